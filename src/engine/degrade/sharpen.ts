import { gaussianBlurPlane } from './filter.ts';
import type { RgbPlanes } from './planes.ts';

/**
 * Unsharp masking, as a phone's or a camera's processing applies it before the JPEG: the detail (the image minus its
 * Gaussian blur) is added back `amount` times over. It leaves a dark and a bright halo along every edge and lifts the
 * noise. A model that never saw it takes the halos for edges and makes them crisper (docs/photo-models.md measures
 * it on inputs sharpened by ImageMagick).
 *
 * The luminance is sharpened, as camera pipelines do: the same detail goes into R, G and B, which moves Y alone (Cb and
 * Cr weigh R, G and B with weights that sum to 0).
 */
export interface SharpenSpec {
  amount: number;
  /** σ of the mask's Gaussian, in pixels of the image sharpened. */
  radius: number;
}

export function sharpenPlanes(image: RgbPlanes, { amount, radius }: SharpenSpec): RgbPlanes {
  const [r, g, b] = image.planes;
  const luma = new Float32Array(r.length);
  for (let i = 0; i < luma.length; i++) luma[i] = 0.299 * r[i] + 0.587 * g[i] + 0.114 * b[i];
  const blurred = gaussianBlurPlane(luma, image.width, image.height, radius);
  const planes = image.planes.map((plane) => {
    const out = new Float32Array(plane.length);
    for (let i = 0; i < plane.length; i++) out[i] = plane[i] + amount * (luma[i] - blurred[i]);
    return out;
  }) as RgbPlanes['planes'];
  return { width: image.width, height: image.height, planes };
}
