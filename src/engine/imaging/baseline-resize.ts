import type { KernelEnum } from 'sharp';
import sharp from 'sharp';
import { SrError } from '../errors.ts';
import { enlargeCentred } from './centred-enlarge.ts';
import { type RgbImage, rawSamples, type Samples, samplesLike } from './image.ts';

/**
 * The interpolation baselines shown next to model output, and the resize to a size no model pass gives. A
 * reduction is libvips' (fast, centre-aligned, antialiased); an enlargement is `enlargeCentred`, because libvips
 * enlarges half an output pixel off the models' grid and has no Lanczos for it. Not the SR protocol's own
 * bicubic (premultiplied alpha, libvips' reduction kernels): use them for display and comparison; the protocol
 * scores with `imresizeRgb`.
 */
export type BaselineKernel = 'nearest' | 'bilinear' | 'bicubic' | 'lanczos3';

/** libvips' reduction kernels for each baseline. */
const SHARP_KERNEL: Record<Exclude<BaselineKernel, 'nearest'>, keyof KernelEnum> = {
  bilinear: 'linear',
  // libvips' "cubic" is Catmull-Rom (a = -0.5), the common "bicubic" of image editors and MATLAB's.
  bicubic: 'cubic',
  lanczos3: 'lanczos3',
};

/**
 * Resizes to exactly width×height (aspect ratio not kept). RGBA is filtered premultiplied by alpha and divided
 * after, so transparent pixels' colours don't bleed into edges.
 */
export async function resizeBaseline<D extends Samples>(
  image: RgbImage<D>,
  width: number,
  height: number,
  kernel: BaselineKernel,
): Promise<RgbImage<D>> {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new SrError('BAD_ARGUMENT', `Target size must be whole numbers ≥ 1, got ${width}×${height}`, 'Pass a positive width and height.');
  }
  if (kernel === 'nearest') return resizeNearest(image, width, height);
  const sharpKernel = SHARP_KERNEL[kernel];
  if (!sharpKernel) {
    throw new SrError('BAD_ARGUMENT', `Unknown interpolation "${String(kernel)}"`, 'Use nearest, bilinear, bicubic or lanczos3.');
  }
  if (width > image.width || height > image.height) return enlargeCentred(image, width, height, kernel);
  // 16-bit samples come in as libvips' rgb16 (sharp reads the typed array's depth) and must be asked back as rgb16.
  const deep = image.data instanceof Uint16Array;
  let pipeline = sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: image.channels },
    limitInputPixels: false,
  }).resize(width, height, { fit: 'fill', kernel: sharpKernel });
  if (deep) pipeline = pipeline.toColourspace('rgb16');
  const { data, info } = await pipeline.raw({ depth: deep ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels !== image.channels || info.width !== width || info.height !== height) {
    throw new SrError(
      'INTERNAL',
      `Resize returned ${info.width}×${info.height}×${info.channels}, expected ${width}×${height}×${image.channels}`,
    );
  }
  return { width, height, channels: image.channels, data: rawSamples(data, deep) as D };
}

/**
 * Nearest neighbour done here rather than by sharp: sharp premultiplies RGBA before resampling and
 * divides after, which changes colours under partial alpha even though nearest only copies pixels.
 * Samples pixel centres, so an integer scale s replicates each source pixel into an exact s×s block.
 */
function resizeNearest<D extends Samples>(image: RgbImage<D>, width: number, height: number): RgbImage<D> {
  const c = image.channels;
  const out = samplesLike(image.data, width * height * c);
  const sourceColumn = new Int32Array(width);
  for (let x = 0; x < width; x++) sourceColumn[x] = Math.min(image.width - 1, Math.floor(((x + 0.5) * image.width) / width));
  for (let y = 0; y < height; y++) {
    const sy = Math.min(image.height - 1, Math.floor(((y + 0.5) * image.height) / height));
    const sourceRow = sy * image.width;
    let at = y * width * c;
    for (let x = 0; x < width; x++, at += c) {
      const from = (sourceRow + sourceColumn[x]) * c;
      for (let k = 0; k < c; k++) out[at + k] = image.data[from + k];
    }
  }
  return { width, height, channels: c, data: out };
}
