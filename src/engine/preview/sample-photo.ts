import { probePhoto } from '../imaging/probe.ts';
import { discoverInputs } from '../jobs/discover-inputs.ts';
import type { ImageFileRef } from './tile-files.ts';

/** Unreadable files are passed over, but a folder of broken files must not be probed to the end for a preview. */
const MAX_PROBES = 20;

/**
 * The photo a model is previewed on before a batch starts: the first image (in the batch's own order, by path) that
 * the inputs expand to and whose header reads, with its size after EXIF orientation; undefined when there is none.
 */
export async function samplePhoto(inputs: readonly string[], recursive: boolean): Promise<ImageFileRef | undefined> {
  const { files } = discoverInputs(inputs, { recursive });
  for (const file of files.slice(0, MAX_PROBES)) {
    const info = await probePhoto(file.input).catch(() => undefined);
    if (info) return { path: file.input, width: info.width, height: info.height };
  }
  return undefined;
}
