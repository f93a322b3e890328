import { setTimeout as sleep } from 'node:timers/promises';
import { ContractError } from '../../shared/contract/index.ts';
import type { HandlerContext, HandlerTable } from '../handler.ts';

function requireDiagnostics(context: HandlerContext): void {
  if (!context.diagnostics) {
    throw new ContractError({
      code: 'NOT_IMPLEMENTED',
      message: 'Diagnostics requests are disabled.',
      hint: 'Start the engine with SRSTUDIO_DIAGNOSTICS=1.',
    });
  }
}

/** Protocol self-tests: cancellation (`sleep`) and progress coalescing under a flood (`progressBurst`). */
export const diagnosticsHandlers: HandlerTable = {
  'diagnostics.sleep': async ({ ms, jobId }, context) => {
    requireDiagnostics(context);
    const started = Date.now();
    if (jobId) context.emit('job.state', { jobId, kind: 'upscale', state: 'running' });
    try {
      await sleep(ms, undefined, { signal: context.signal });
    } finally {
      if (jobId) context.emit('job.state', { jobId, kind: 'upscale', state: context.signal.aborted ? 'cancelled' : 'done' });
    }
    return { sleptMs: Date.now() - started };
  },
  'diagnostics.progressBurst': async ({ jobId, count }, context) => {
    requireDiagnostics(context);
    context.emit('job.state', { jobId, kind: 'upscale', state: 'running' });
    for (let done = 1; done <= count; done += 1) {
      if (context.signal.aborted) break;
      context.emit('job.progress', { jobId, kind: 'upscale', done, total: count, etaSeconds: null });
    }
    context.emit('job.state', { jobId, kind: 'upscale', state: context.signal.aborted ? 'cancelled' : 'done' });
    return { emitted: count };
  },
};
