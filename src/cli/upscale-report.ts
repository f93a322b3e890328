import type { UpscaleJobEvent } from '../engine/jobs/job-events.ts';
import type { UpscaleJobSummary } from '../engine/jobs/job-summary.ts';
import type { StartupReport } from '../engine/jobs/startup-clock.ts';
import { formatDuration } from './format-duration.ts';

/** Without a TTY (logs, CI): one line per file on stderr, so a long batch is still followed. */
export function logEvent(event: UpscaleJobEvent): void {
  if (event.type === 'job-start') {
    const what = event.resumed ? `Resuming job ${event.jobId}` : `Job ${event.jobId}`;
    process.stderr.write(`${what}: ${event.toDo} file(s) to upscale with ${event.modelId} into ${event.outDir}\n`);
  } else if (event.type === 'item-done') {
    const by = event.worker ? `, ${event.worker}` : '';
    process.stderr.write(`ok      ${event.input} → ${event.output} (${event.width}×${event.height}, ${event.seconds.toFixed(2)} s${by})\n`);
  } else if (event.type === 'item-failed') {
    process.stderr.write(`failed  ${event.input}: ${event.error.message}\n`);
  }
}

const MAX_SKIPPED_LINES = 10;

export function printSummary(summary: UpscaleJobSummary, resume: string): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const rate = summary.megapixelsPerSecond === null ? '' : `, ${summary.megapixelsPerSecond.toFixed(2)} MP/s`;
  out(
    `Job ${summary.job}: ${summary.ok} upscaled, ${summary.failed.length} failed, ${summary.skipped.length} skipped in ${formatDuration(summary.seconds)}${rate}.`,
  );
  if (summary.failed.length > 0) {
    out('Failed:');
    // Messages already name their file; the input is added only where the message is about another path.
    for (const f of summary.failed) out(f.error.includes(f.input) ? `  ${f.error}` : `  ${f.input}: ${f.error}`);
  }
  if (summary.skipped.length > 0) {
    out('Skipped:');
    for (const s of summary.skipped.slice(0, MAX_SKIPPED_LINES)) out(`  ${s.input}: ${s.reason}`);
    if (summary.skipped.length > MAX_SKIPPED_LINES) out(`  … and ${summary.skipped.length - MAX_SKIPPED_LINES} more`);
  }
  if (summary.startup) out(startupLine(summary.startup));
  if (summary.queue) printWorkers(summary.queue, out);
  if (summary.status !== 'done') {
    if (summary.error) out(summary.error);
    out(
      `${summary.status === 'cancelled' ? 'Cancelled' : 'Interrupted'} with ${summary.remaining} file(s) left. Resume with:\n  ${resume}`,
    );
    if (summary.queue && summary.status === 'interrupted' && !summary.error)
      out(
        `The workers go on with batch ${summary.queue.batch}; --resume follows it again, here or from any machine with ` +
          `srstudio upscale --queue ${summary.queue.url} --resume ${summary.queue.batch} (status: srstudio jobs status ${summary.queue.batch} --redis ${summary.queue.url}).`,
      );
  }
}

/** "Start-up 0.95 s before the batch (modules 0.71, store 0.02, model 0.19, plan 0.03); model ready in 0.42 s beside it." */
export function startupLine(startup: StartupReport): string {
  const phases = startup.phases.map((p) => `${p.name} ${p.seconds.toFixed(2)}`).join(', ');
  const ready =
    startup.modelReadySeconds === null
      ? ''
      : `; model ready in ${startup.modelReadySeconds.toFixed(2)} s beside it${startup.waitedSeconds > 0.005 ? `, the first photo waited ${startup.waitedSeconds.toFixed(2)} s for it` : ''}`;
  return `Start-up ${startup.seconds.toFixed(2)} s before the batch (${phases})${ready}.`;
}

function printWorkers(queue: NonNullable<UpscaleJobSummary['queue']>, out: (line: string) => void): void {
  out(`Batch ${queue.batch} on ${queue.url}, ${queue.workers.length} worker(s):`);
  for (const w of queue.workers) {
    const rate = w.megapixelsPerSecond === null ? '–' : w.megapixelsPerSecond.toFixed(2);
    out(`  ${w.name}: ${w.files} file(s), ${w.megapixels.toFixed(2)} MP, ${rate} MP/s`);
  }
}

/** The `--json` document (see the command's contract); `status`, `code` and `remaining` are extras for scripts. */
export function toJson(summary: UpscaleJobSummary): unknown {
  return {
    job: summary.job,
    status: summary.status,
    ok: summary.ok,
    failed: summary.failed,
    skipped: summary.skipped,
    outputs: summary.outputs,
    remaining: summary.remaining,
    seconds: summary.seconds,
    ...(summary.notices ? { notices: summary.notices } : {}),
    ...(summary.startup ? { startup: summary.startup } : {}),
    ...(summary.queue ? { batch: summary.queue.batch, queue: summary.queue.url, workers: summary.queue.workers } : {}),
  };
}
