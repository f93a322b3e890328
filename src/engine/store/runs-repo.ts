import { SrError } from '../errors.ts';
import { isOtherProcessAlive, nowIso } from './clock.ts';
import { fromJsonText, toJsonText } from './json-column.ts';
import type { Store } from './store.ts';

export type RunStatus = 'queued' | 'running' | 'paused' | 'done' | 'failed' | 'interrupted' | 'cancelled';
export type MetricKind = 'train' | 'val' | 'bicubic';

export interface RunRecord {
  id: number;
  arch: string;
  scale: number;
  status: RunStatus;
  config: unknown;
  createdAt: string;
  updatedAt: string;
  error: string | null;
  modelPath: string | null;
  bestStep: number | null;
  bestPsnr: number | null;
  bestSsim: number | null;
}

export interface MetricPoint {
  step: number;
  kind: string;
  name: string;
  value: number;
}

interface RunRow {
  id: number;
  arch: string;
  scale: number;
  status: RunStatus;
  config: string;
  created_at: string;
  updated_at: string;
  error: string | null;
  model_path: string | null;
  best_step: number | null;
  best_psnr: number | null;
  best_ssim: number | null;
}

interface CheckpointRow {
  step: number;
  path: string;
  val_psnr: number | null;
  val_ssim: number | null;
}

/** Training runs: their config, metric curves, checkpoints (files under store.paths.checkpoints) and best scores. */
export class RunsRepo {
  constructor(private readonly store: Store) {}

  create(r: { arch: string; scale: number; config: unknown }): RunRecord {
    const now = nowIso();
    const info = this.store.db
      .prepare('INSERT INTO runs (arch, scale, status, config, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(r.arch, r.scale, 'queued', toJsonText(r.config), now, now);
    const run = this.get(Number(info.lastInsertRowid));
    if (!run) throw unknownRun(Number(info.lastInsertRowid));
    return run;
  }

  get(id: number): RunRecord | undefined {
    const row = this.store.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    return row ? toRun(row) : undefined;
  }

  /** Newest first. */
  list(): RunRecord[] {
    return (this.store.db.prepare('SELECT * FROM runs ORDER BY id DESC').all() as RunRow[]).map(toRun);
  }

  /** 'running' records this process as the owner, so another process starting up will not mark it interrupted. */
  setStatus(id: number, status: RunStatus, error: string | null = null): void {
    const info = this.store.db
      .prepare('UPDATE runs SET status = ?, error = ?, updated_at = ?, owner_pid = ? WHERE id = ?')
      .run(status, error, nowIso(), status === 'running' ? process.pid : null, id);
    if (info.changes === 0) throw unknownRun(id);
  }

  /** One transaction per call: the trainer batches a logging interval's points into one commit. NaN is kept as NaN. */
  addMetrics(runId: number, points: { step: number; kind: MetricKind; name: string; value: number }[]): void {
    const db = this.store.db;
    const insert = db.prepare('INSERT INTO run_metrics (run_id, step, kind, name, value) VALUES (?, ?, ?, ?, ?)');
    db.transaction(() => {
      for (const p of points) insert.run(runId, p.step, p.kind, p.name, Number.isNaN(p.value) ? null : p.value);
    }).immediate();
  }

  /** Ordered by step; `sinceStep` is exclusive, so a chart can poll for what is new since the last step it drew. */
  metrics(runId: number, opts: { sinceStep?: number; kind?: string } = {}): MetricPoint[] {
    const rows = this.store.db
      .prepare(
        `SELECT step, kind, name, value FROM run_metrics
         WHERE run_id = @runId AND step > @since AND (@kind IS NULL OR kind = @kind)
         ORDER BY step, rowid`,
      )
      .all({ runId, since: opts.sinceStep ?? Number.MIN_SAFE_INTEGER, kind: opts.kind ?? null }) as {
      step: number;
      kind: string;
      name: string;
      value: number | null;
    }[];
    return rows.map((r) => ({ step: r.step, kind: r.kind, name: r.name, value: r.value ?? Number.NaN }));
  }

  /** Writing the same step twice replaces the row (a resumed run re-saves the step it was killed at). */
  addCheckpoint(runId: number, c: { step: number; path: string; valPsnr?: number | null; valSsim?: number | null }): void {
    this.store.db
      .prepare(
        `INSERT INTO checkpoints (run_id, step, path, val_psnr, val_ssim, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id, step) DO UPDATE SET path = excluded.path, val_psnr = excluded.val_psnr,
           val_ssim = excluded.val_ssim, created_at = excluded.created_at`,
      )
      .run(runId, c.step, c.path, c.valPsnr ?? null, c.valSsim ?? null, nowIso());
  }

  latestCheckpoint(runId: number): { step: number; path: string } | undefined {
    const row = this.store.db.prepare('SELECT step, path FROM checkpoints WHERE run_id = ? ORDER BY step DESC LIMIT 1').get(runId) as
      | { step: number; path: string }
      | undefined;
    return row ? { step: row.step, path: row.path } : undefined;
  }

  /** Highest validation PSNR (ties: the later step). Without any validated checkpoint, the latest one. */
  bestCheckpoint(runId: number): { step: number; path: string; valPsnr: number | null; valSsim: number | null } | undefined {
    const row = this.store.db
      .prepare(
        `SELECT step, path, val_psnr, val_ssim FROM checkpoints WHERE run_id = ?
         ORDER BY val_psnr IS NULL, val_psnr DESC, step DESC LIMIT 1`,
      )
      .get(runId) as CheckpointRow | undefined;
    return row ? { step: row.step, path: row.path, valPsnr: row.val_psnr, valSsim: row.val_ssim } : undefined;
  }

  setBest(runId: number, best: { step: number; psnr: number; ssim: number }): void {
    const info = this.store.db
      .prepare('UPDATE runs SET best_step = ?, best_psnr = ?, best_ssim = ?, updated_at = ? WHERE id = ?')
      .run(best.step, best.psnr, best.ssim, nowIso(), runId);
    if (info.changes === 0) throw unknownRun(runId);
  }

  setModel(runId: number, modelPath: string): void {
    const info = this.store.db.prepare('UPDATE runs SET model_path = ?, updated_at = ? WHERE id = ?').run(modelPath, nowIso(), runId);
    if (info.changes === 0) throw unknownRun(runId);
  }

  /** At start-up: runs left 'running' by a crashed process become 'interrupted' (resumable from latestCheckpoint). */
  markRunningAsInterrupted(): number {
    const db = this.store.db;
    return db
      .transaction(() => {
        const running = db.prepare("SELECT id, owner_pid FROM runs WHERE status = 'running'").all() as {
          id: number;
          owner_pid: number | null;
        }[];
        const stale = running.filter((run) => !isOtherProcessAlive(run.owner_pid));
        const now = nowIso();
        for (const run of stale)
          db.prepare("UPDATE runs SET status = 'interrupted', owner_pid = NULL, updated_at = ? WHERE id = ?").run(now, run.id);
        return stale.length;
      })
      .immediate();
  }
}

function unknownRun(id: number): SrError {
  return new SrError('NOT_FOUND', `No training run with id ${id}`, 'List runs to see which ids exist.');
}

function toRun(row: RunRow): RunRecord {
  return {
    id: row.id,
    arch: row.arch,
    scale: row.scale,
    status: row.status,
    config: fromJsonText(row.config),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    error: row.error,
    modelPath: row.model_path,
    bestStep: row.best_step,
    bestPsnr: row.best_psnr,
    bestSsim: row.best_ssim,
  };
}
