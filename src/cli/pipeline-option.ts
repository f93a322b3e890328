import type { Command } from 'commander';
import { SrError } from '../engine/errors.ts';
import type { PipelineSettings } from '../engine/jobs/pipeline/pipeline-settings.ts';

/** `--pipeline` and `--threads`, the same for `upscale` and `worker`. */
export function addPipelineOptions(command: Command): Command {
  return command
    .option('--pipeline <on|off>', 'on: decode, upscale and encode different photos at once (default); off: one photo after another', 'on')
    .option('--threads <ort:sharp>', 'ONNX Runtime threads and sharp threads per operation, e.g. 2:1 (default: auto)', 'auto');
}

/** The parsed choice; the engine's settings module loads only here, when the command runs. */
export async function pipelineChoice(opts: { pipeline: string; threads: string }): Promise<PipelineSettings | 'off'> {
  if (opts.pipeline !== 'on' && opts.pipeline !== 'off') {
    throw new SrError(
      'BAD_ARGUMENT',
      `--pipeline takes on or off, got "${opts.pipeline}"`,
      'Pass --pipeline off to upscale one photo at a time.',
    );
  }
  const { parseThreadSplit, pipelineSettings } = await import('../engine/jobs/pipeline/pipeline-settings.ts');
  const split = parseThreadSplit(opts.threads);
  if (opts.pipeline === 'off') {
    if (split !== 'auto')
      throw new SrError('BAD_ARGUMENT', '--threads sets the pipeline’s threads', 'Leave out --pipeline off, or --threads.');
    return 'off';
  }
  return pipelineSettings(split);
}
