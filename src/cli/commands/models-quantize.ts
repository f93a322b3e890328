import { performance } from 'node:perf_hooks';
import type { LayerReport } from '../../engine/quantize/int8-model.ts';
import { resolveStateDir } from '../../engine/store/state-dir.ts';
import { QUALITY_BUDGET_DB, type QuantizedFrom, quantisationLoss, withinQualityBudget } from '../../shared/model-meta.ts';
import { printJson } from '../output.ts';
import { parseBudget, parseRanges } from './quantize-args.ts';

export interface QuantizeCliOptions {
  calibrate?: string;
  format?: string;
  id?: string;
  name?: string;
  out?: string;
  budget?: string;
  ranges?: string;
  state?: string;
  json?: boolean;
}

/** "−0.012 dB (within the 0.1 dB budget)" / "… (over the budget: flagged)". */
export function describeLoss(q: QuantizedFrom): string {
  const loss = quantisationLoss(q);
  const delta = `${loss > 0 ? '−' : '+'}${Math.abs(loss).toFixed(3)} dB`;
  return `${delta} ${withinQualityBudget(q) ? `(within the ${QUALITY_BUDGET_DB} dB budget)` : `(over the ${QUALITY_BUDGET_DB} dB budget: flagged, not offered as a default)`}`;
}

function layerLine(l: LayerReport): string {
  const form = l.precision === 'int8' ? (l.phaseBlock > 0 ? `int8, phase form (stride ${l.phaseBlock})` : 'int8') : `float32: ${l.reason}`;
  return `  ${l.name.padEnd(18)} ${l.op.padEnd(13)} ${l.shape.padEnd(14)} ${form}`;
}

/** `srstudio models quantize ID|FILE`: loaded only when the command runs (it opens the store and ORT). */
export async function quantizeAction(ref: string, opts: QuantizeCliOptions): Promise<void> {
  const [{ quantizeModel }, { openStore }] = await Promise.all([
    import('../../engine/quantize/quantize-model.ts'),
    import('../../engine/store/store.ts'),
  ]);
  const stateDir = resolveStateDir(opts.state);
  const store = openStore(stateDir);
  const started = performance.now();
  try {
    const result = await quantizeModel(ref, { stateDir }, store, {
      calibrate: opts.calibrate,
      format: opts.format,
      id: opts.id,
      name: opts.name,
      out: opts.out,
      budgetDb: parseBudget(opts.budget),
      method: parseRanges(opts.ranges),
      onProgress: opts.json ? undefined : (m) => process.stderr.write(`${m}…\n`),
      onNotice: (m) => process.stderr.write(`note: ${m}\n`),
    });
    const { model, quantizedFrom: q, layers } = result;
    const seconds = (performance.now() - started) / 1000;
    if (opts.json) {
      printJson({ id: model.meta.id, path: model.path, quantizedFrom: q, withinBudget: withinQualityBudget(q), layers, seconds });
      return;
    }
    process.stdout.write(
      `Quantised ${q.id} → ${model.meta.id} (int8) in ${seconds.toFixed(1)} s: ${model.path}\n` +
        `  on ${q.calibration} (${q.photos} photos, ${q.patches} calibration patches): ${q.psnr.toFixed(4)} dB / ${q.ssim.toFixed(4)}, ` +
        `parent ${q.parentPsnr.toFixed(4)} dB / ${q.parentSsim.toFixed(4)}: ${describeLoss(q)}\n` +
        `${layers.map(layerLine).join('\n')}\n`,
    );
  } finally {
    store.close();
  }
}
