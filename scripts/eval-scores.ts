/**
 * Scores from `srstudio eval --json` files, keyed like the trainer's validation score ("set5-x3"), for the ship scripts;
 * an evaluation on degraded inputs (`eval --degrade photo --seed 1`) is keyed "set5-photo-seed1-x3".
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ModelMeta } from '../src/shared/model-meta.ts';

interface EvalJson {
  scale: number;
  data: string;
  degradation?: { name: string; seed: number } | null;
  mean: { psnr: number | null; ssim: number };
}

/** `base` plus one entry per eval file; `fail` is called when a file measured another scale. */
export function scoresFromEval(
  files: string[],
  scale: number,
  base: ModelMeta['scores'],
  fail: (message: string) => never,
): ModelMeta['scores'] {
  const scores: ModelMeta['scores'] = { ...base };
  for (const file of files) {
    const result = JSON.parse(readFileSync(file, 'utf8')) as EvalJson;
    if (result.scale !== scale) fail(`${file} measured ×${result.scale}, not ×${scale}`);
    const degraded = result.degradation ? `-${result.degradation.name}-seed${result.degradation.seed}` : '';
    scores[`${path.basename(result.data).toLowerCase()}${degraded}-x${scale}`] = { psnr: result.mean.psnr, ssim: result.mean.ssim };
  }
  return scores;
}
