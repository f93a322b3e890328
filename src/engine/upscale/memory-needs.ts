import os from 'node:os';
import { SrError } from '../errors.ts';

/**
 * The memory an upscale of one photo holds at its peak, from its input and output pixel counts. Measured as the peak
 * RSS of `srstudio upscale` on one noisy JPEG (2026-12-07, photo-x2 and photo-x4; docs/troubleshooting.md, TOO_LARGE):
 * 9 MP → 36 MP 0.49 GB, 9 → 144 MP 0.96 GB, 36 → 144 MP 1.34 GB, 36 → 576 MP 2.87 GB. The colour planes of the input
 * in float32 cost about 14 bytes a pixel, the output about 4.3. The constants below lie 16–30 % above every
 * measurement, so that a photo refused would certainly not have fitted.
 */
const BASE_BYTES = 256 * 1024 ** 2;
const BYTES_PER_INPUT_PIXEL = 16;
const BYTES_PER_OUTPUT_PIXEL = 5;

/**
 * A 16-bit photo (`sampleBytes` 2) holds its input and output samples at twice the size; its float planes are the
 * same. Counted as twice the output's bytes and 4 more bytes per input pixel (RGBA at 2 bytes more a channel): 0.81 GB
 * for 9 → 36 MP, where a 16-bit PNG measured 0.63 GB (and the same photo in 8 bits 0.48 GB; 2026-12-08, photo-x2).
 */
export function upscaleMemoryBytes(inputPixels: number, outputPixels: number, sampleBytes: 1 | 2 = 1): number {
  const deep = sampleBytes === 2;
  return BASE_BYTES + (BYTES_PER_INPUT_PIXEL + (deep ? 4 : 0)) * inputPixels + BYTES_PER_OUTPUT_PIXEL * sampleBytes * outputPixels;
}

/** The memory this process can have: the machine's, or less where a container (cgroup) limits it. */
export function machineMemoryBytes(): number {
  const limit = process.constrainedMemory?.() ?? 0;
  const total = os.totalmem();
  return limit > 0 && limit < total ? limit : total;
}

interface Size {
  width: number;
  height: number;
}

const gigabytes = (bytes: number): string => `${(bytes / 1e9).toFixed(1)} GB`;

/**
 * Refuses an upscale that needs more memory than the machine has, before any of it is allocated: past that, the
 * operating system swaps until the machine stalls, or kills the process (Linux's OOM killer gives no error at all).
 * Within the machine's memory the upscale runs, even if other programs must give way.
 */
export function assertFitsMemory(
  input: Size,
  target: Size,
  options: {
    /** What the model's passes make before the resize to the target, where larger (×4 run twice for ×12). */
    modelOutput?: Size;
    memoryBytes?: number;
    /** 2 for a 16-bit photo. */
    sampleBytes?: 1 | 2;
  } = {},
): void {
  const memoryBytes = options.memoryBytes ?? machineMemoryBytes();
  const largest = Math.max(target.width * target.height, (options.modelOutput?.width ?? 0) * (options.modelOutput?.height ?? 0));
  const needed = upscaleMemoryBytes(input.width * input.height, largest, options.sampleBytes);
  if (needed <= memoryBytes) return;
  throw new SrError(
    'TOO_LARGE',
    `Upscaling ${input.width}×${input.height} to ${target.width}×${target.height} needs about ${gigabytes(needed)} of memory, more than this machine has (${gigabytes(memoryBytes)})`,
    'Ask for a smaller output (a lower --scale, or --width/--height), or cut the photo into parts and upscale those.',
  );
}
