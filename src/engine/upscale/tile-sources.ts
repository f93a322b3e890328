import { toByte } from '../imaging/colour.ts';
import { type Plane, type RgbImage, type Samples, sampleMax } from '../imaging/image.ts';
import { type ResizeRegion, regionResizer } from '../imaging/matlab-resize.ts';
import type { TileSource } from '../tiling/run-tiled.ts';

/** Values of one region of the model's input image, on the 0–255 scale: pixel (i, j) of channel c is
 * `planes[c][offset + j·stride + i]`. */
interface RegionValues {
  planes: Float32Array[];
  offset: number;
  stride: number;
}
type RegionReader = (region: ResizeRegion) => RegionValues;

/** Maps 0–255 to the model's value range (usually [0,1]). */
export interface ValueMap {
  lo: number;
  hi: number;
}

/**
 * A TileSource over an image of width×height given by a region reader. Windows may reach past the image
 * (valid-convolution models read `crop` pixels beyond it): those pixels replicate the nearest border pixel.
 */
function regionSource(width: number, height: number, channels: number, read: RegionReader, range: ValueMap | 'mapped'): TileSource {
  // 'mapped': the reader's values are already in the model's range, so rows are copied as they are.
  const copy = range === 'mapped';
  const gain = copy ? 1 : (range.hi - range.lo) / 255;
  const lo = copy ? 0 : range.lo;
  return {
    width,
    height,
    fillWindow(x, y, w, h, dst, offset) {
      const rx = Math.max(0, x);
      const ry = Math.max(0, y);
      const rw = Math.min(width, x + w) - rx;
      const rh = Math.min(height, y + h) - ry;
      const values = read({ x: rx, y: ry, width: rw, height: rh });
      // Window columns [0, left) lie left of the image and [right, w) right of it: they repeat the border pixel.
      const left = rx - x;
      const right = rx + rw - x;
      for (let c = 0; c < channels; c++) {
        const src = values.planes[c];
        for (let j = 0; j < h; j++) {
          const row = values.offset + Math.min(rh - 1, Math.max(0, y + j - ry)) * values.stride - left;
          const o = offset + (c * h + j) * w;
          const first = lo + gain * src[row + left];
          const last = lo + gain * src[row + right - 1];
          for (let i = 0; i < left; i++) dst[o + i] = first;
          if (copy) dst.set(src.subarray(row + left, row + right), o + left);
          else for (let i = left; i < right; i++) dst[o + i] = lo + gain * src[row + i];
          for (let i = right; i < w; i++) dst[o + i] = last;
        }
      }
    },
  };
}

/**
 * Full-width bands of a resized image, computed once per band: tiles come in row-major order and every tile
 * of a row needs the same rows, so one resize per band replaces one per tile, and the resize is planned once.
 * The band buffers are reused from band to band (a band is only read until the next one is asked for), and
 * `finish`, when given, post-processes each band in place.
 */
export function bandCache(
  planes: Plane[],
  outW: number,
  outH: number,
  finish?: (values: Float32Array) => void,
): (y: number, height: number) => Float32Array[] {
  let key = '';
  let band: Float32Array[] = [];
  let buffers = planes.map(() => new Float32Array(0));
  const resizers = planes.map((p) => regionResizer(p, outW, outH));
  return (y, height) => {
    const wanted = `${y}:${height}`;
    if (wanted !== key) {
      if (buffers[0].length < outW * height) buffers = planes.map(() => new Float32Array(outW * height));
      band = resizers.map((resize, c) => {
        const values = resize({ x: 0, y, width: outW, height }, buffers[c]).data;
        finish?.(values);
        return values;
      });
      key = wanted;
    }
    return band;
  };
}

/**
 * uint8 semantics (round, clip), as the protocol rounds the bicubic pre-upsampling before the model sees it, then
 * the model's value range, in one pass over the band so that windows are plain copies.
 */
function roundAndMap(range: ValueMap): (values: Float32Array) => void {
  const gain = (range.hi - range.lo) / 255;
  const lo = range.lo;
  return (values) => {
    for (let i = 0; i < values.length; i++) {
      values[i] = lo + gain * toByte(values[i]);
    }
  };
}

/**
 * For 'upsampled' models (SRCNN): the bicubic (MATLAB imresize) upsampling of LR planes to outW×outH,
 * computed per band only, never as a full-resolution plane, and rounded to integers.
 */
export function upsampledSource(planes: Plane[], outW: number, outH: number, range: ValueMap): TileSource {
  const bands = bandCache(planes, outW, outH, roundAndMap(range));
  return regionSource(outW, outH, planes.length, (r) => ({ planes: bands(r.y, r.height), offset: r.x, stride: outW }), 'mapped');
}

/** MATLAB imresize's border rule: the image continues as its mirror image, edge pixel included (−1 → 0, n → n − 1). */
export function symmetricIndex(i: number, n: number): number {
  const period = 2 * n;
  const m = ((i % period) + period) % period;
  return m < n ? m : period - 1 - m;
}

/**
 * For the photo graph (ycbcr-graph.ts): the LR planes as they are (0–255), windows past the photo mirrored as
 * imresize mirrors them, so that the graph's bicubic is imresize's up to the border.
 */
export function mirroredPlanesSource(planes: Plane[]): TileSource {
  const { width, height } = planes[0];
  let columns = new Int32Array(0);
  return {
    width,
    height,
    fillWindow(x, y, w, h, dst, offset) {
      const inside = x >= 0 && x + w <= width;
      if (!inside) {
        if (columns.length < w) columns = new Int32Array(w);
        for (let i = 0; i < w; i++) columns[i] = symmetricIndex(x + i, width);
      }
      for (let c = 0; c < planes.length; c++) {
        const src = planes[c].data;
        for (let j = 0; j < h; j++) {
          const row = symmetricIndex(y + j, height) * width;
          const o = offset + (c * h + j) * w;
          if (inside) dst.set(src.subarray(row + x, row + x + w), o);
          else for (let i = 0; i < w; i++) dst[o + i] = src[row + columns[i]];
        }
      }
    },
  };
}

/**
 * For the photo graph of an 'lr' model: Y in the model's range with the border replicated, exactly as lrPlaneSource
 * feeds the model alone, then Cb and Cr (0–255) mirrored for the graph's bicubic.
 */
export function lrPhotoSource(y: Plane, cb: Plane, cr: Plane, range: ValueMap): TileSource {
  const luma = lrPlaneSource([y], range);
  const chroma = mirroredPlanesSource([cb, cr]);
  return {
    width: y.width,
    height: y.height,
    fillWindow(x, top, w, h, dst, offset) {
      luma.fillWindow(x, top, w, h, dst, offset);
      chroma.fillWindow(x, top, w, h, dst, offset + w * h);
    },
  };
}

/** For 'lr' models fed Y (or any float planes): the LR planes themselves. */
export function lrPlaneSource(planes: Plane[], range: ValueMap): TileSource {
  const { width, height } = planes[0];
  return regionSource(
    width,
    height,
    planes.length,
    (r) => ({ planes: planes.map((p) => p.data), offset: r.y * width + r.x, stride: width }),
    range,
  );
}

/** For 'lr' RGB models: reads the interleaved image (8- or 16-bit, brought to 0–255) directly (no full float copy). */
export function lrRgbSource(image: RgbImage<Samples>, range: ValueMap): TileSource {
  const { width, height, channels, data } = image;
  const unit = 255 / sampleMax(data);
  return regionSource(
    width,
    height,
    3,
    (r) => {
      const planes = [0, 1, 2].map(() => new Float32Array(r.width * r.height));
      for (let j = 0, o = 0; j < r.height; j++) {
        for (let i = 0, p = ((r.y + j) * width + r.x) * channels; i < r.width; i++, o++, p += channels) {
          planes[0][o] = data[p] * unit;
          planes[1][o] = data[p + 1] * unit;
          planes[2][o] = data[p + 2] * unit;
        }
      }
      return { planes, offset: 0, stride: r.width };
    },
    range,
  );
}
