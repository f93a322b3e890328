import sharp from 'sharp';
import type { PipelineSettings } from './pipeline-settings.ts';

/**
 * sharp's thread count is process-wide: the pipeline sets it for the batch it runs. Apart from pipeline-settings.ts,
 * so that choosing the settings does not load sharp (a batch loads it only once its model is opening: run-upscale-job.ts).
 */
export function applySharpThreads(settings: PipelineSettings): void {
  sharp.concurrency(settings.sharpThreads);
}
