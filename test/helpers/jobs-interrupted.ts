import { runUpscaleJob } from '../../src/engine/jobs/run-upscale-job.ts';
import type { UpscaleRequestInput } from '../../src/engine/jobs/upscale-request.ts';
import type { Store } from '../../src/engine/store/store.ts';

/**
 * Runs a new batch and stops it once its first file is done, as a Ctrl-C would: the job is left 'interrupted' with
 * one file done and the rest pending. Returns the job id. One file at a time (`pipeline: 'off'`): a pipeline would
 * finish the files it had already upscaled.
 */
export async function runInterruptedBatch(store: Store, request: UpscaleRequestInput): Promise<number> {
  const controller = new AbortController();
  const summary = await runUpscaleJob({
    store,
    request,
    pipeline: 'off',
    signal: controller.signal,
    onEvent: (e) => {
      if (e.type === 'item-done') controller.abort();
    },
  });
  if (summary.status !== 'interrupted' || summary.ok !== 1)
    throw new Error(`expected an interrupted batch, got ${JSON.stringify(summary)}`);
  return summary.job;
}
