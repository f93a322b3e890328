import type { ResultOf } from '../../../shared/contract/index.ts';

export type ScoreRow = ResultOf<'evaluation.results'>['rows'][number];

/**
 * What a score's inputs were: the benchmark protocol's clean bicubic downscale ('clean'), or a real-photo degradation
 * with its seed ('photo#1'). Scores are only comparable within one protocol: the same seed gives the same pixels.
 */
export function protocolOf(row: ScoreRow): string {
  return row.degradation ? `${row.degradation.name}#${row.degradation.seed}` : 'clean';
}

/** Column headings: short, as `srstudio eval` names them ("clean", "photo · seed 1"). */
export function protocolLabel(protocol: string): string {
  if (protocol === 'clean') return 'clean';
  const [name, seed] = protocol.split('#');
  return `${name} · seed ${seed}`;
}

/** What each kind of input means, for the column's tooltip and the chart's title. */
export function protocolDescription(protocol: string): string {
  if (protocol === 'clean') return 'Clean inputs: the photo shrunk by MATLAB bicubic, as the published benchmarks do';
  const [name, seed] = protocol.split('#');
  const what =
    name === 'photo'
      ? 'shrunk like phone and camera photos (blur, sensor noise, JPEG)'
      : name === 'heavy'
        ? 'shrunk like old, scanned or web-recompressed photos'
        : `degraded by the recipe “${name}”`;
  return `Inputs ${what}, random draws from seed ${seed}`;
}

/** The protocols present, clean first. */
export function protocolsOf(rows: readonly ScoreRow[]): string[] {
  const found = [...new Set(rows.map(protocolOf))].sort();
  return found.includes('clean') ? ['clean', ...found.filter((p) => p !== 'clean')] : found;
}

/** The data set a score row belongs to, as the UI names it (the evaluated folder's name). */
export function dataNameOf(row: ScoreRow): string {
  return row.dataset ?? row.folder?.split(/[\\/]/).pop() ?? 'unnamed';
}

/** One method on one data set at one scale, with its score under each protocol it was evaluated on. */
export interface ScoreLine {
  key: string;
  data: string;
  folder?: string;
  scale: number;
  method: string;
  scores: Map<string, ScoreRow>;
}

export function scoreLines(rows: readonly ScoreRow[]): ScoreLine[] {
  const lines = new Map<string, ScoreLine>();
  for (const row of rows) {
    const key = `${row.folder ?? dataNameOf(row)}|${row.scale}|${row.method}`;
    let line = lines.get(key);
    if (!line) {
      line = { key, data: dataNameOf(row), folder: row.folder, scale: row.scale, method: row.method, scores: new Map() };
      lines.set(key, line);
    }
    line.scores.set(protocolOf(row), row);
  }
  return [...lines.values()];
}
