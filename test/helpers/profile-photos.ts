import path from 'node:path';
import sharp from 'sharp';
import type { RgbImage } from '../../src/engine/imaging/image.ts';

/**
 * Photo-like test images with known degradations, made independently of the profiler's own calibration code:
 * the scene is drawn by sharp's SVG renderer (a sky-like gradient, a wall, soft shading, discs, boxes, thin
 * branches), the blur is sharp's (libvips) float Gaussian, the noise is Box–Muller here, and the JPEG is sharp's
 * libjpeg with the standard tables (mozjpeg off), as a camera in "IJG mode" writes it.
 */

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** A sharp, clean, photo-like scene as 8-bit RGB. Deterministic for a seed. */
export async function cleanScene(width: number, height: number, seed = 1): Promise<RgbImage> {
  const random = lcg(seed);
  const tone = (low: number, high: number) => Math.round(low + (high - low) * random());
  const colour = () => `rgb(${tone(40, 215)},${tone(40, 215)},${tone(40, 215)})`;
  const shapes: string[] = [];
  for (let i = 0; i < 18; i++) {
    const x = random() * width;
    const y = random() * height;
    const size = Math.min(width, height) * (0.04 + 0.1 * random());
    if (i % 3 === 0) shapes.push(`<ellipse cx="${x}" cy="${y}" rx="${size}" ry="${size * (0.5 + random() / 2)}" fill="${colour()}"/>`);
    else if (i % 3 === 1)
      shapes.push(
        `<rect x="${x}" y="${y}" width="${size * 1.5}" height="${size}" fill="${colour()}" transform="rotate(${random() * 60 - 30} ${x} ${y})"/>`,
      );
    else
      shapes.push(
        `<line x1="${x}" y1="${y}" x2="${x + (random() - 0.5) * size * 4}" y2="${y + (random() - 0.5) * size * 4}" stroke="${colour()}" stroke-width="${2 + random() * 3}"/>`,
      );
  }
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<defs><linearGradient id="sky" x1="0" y1="0" x2="0.3" y2="1"><stop offset="0" stop-color="${colour()}"/><stop offset="1" stop-color="${colour()}"/></linearGradient>` +
    `<radialGradient id="shade"><stop offset="0" stop-color="${colour()}"/><stop offset="1" stop-color="${colour()}"/></radialGradient></defs>` +
    `<rect width="100%" height="100%" fill="url(#sky)"/>` +
    `<rect x="${width * 0.55}" y="${height * 0.35}" width="${width * 0.4}" height="${height * 0.6}" fill="url(#shade)"/>` +
    `${shapes.join('')}</svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).flatten().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
}

export interface KnownLook {
  /** Gaussian blur σ in pixels (0: none). */
  blur?: number;
  /** Gaussian noise σ in 8-bit levels (0: none). */
  noise?: number;
  /** Grey (the same value added to R, G and B) or colour noise (independent per channel). */
  grey?: boolean;
  /** A JPEG at this quality (absent: PNG). */
  quality?: number;
  chroma?: '4:2:0' | '4:4:4';
  /** mozjpeg's own (non-standard) quantisation tables instead of libjpeg's. */
  mozjpeg?: boolean;
  seed?: number;
}

/** Blurs (sharp), adds noise, then writes the image as a JPEG (or a PNG) to `dir/name`; returns its path. */
export async function writeDegraded(dir: string, name: string, clean: RgbImage, look: KnownLook): Promise<string> {
  const { width, height } = clean;
  let pixels = Buffer.from(clean.data);
  if (look.blur && look.blur > 0) {
    pixels = await sharp(pixels, { raw: { width, height, channels: 3 } })
      .blur({ sigma: look.blur, precision: 'float', minAmplitude: 0.001 })
      .raw()
      .toBuffer();
  }
  if (look.noise && look.noise > 0) {
    const random = lcg(look.seed ?? 99);
    const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    for (let i = 0; i < width * height; i++) {
      const shared = look.grey ? look.noise * normal() : 0;
      for (let c = 0; c < 3; c++) {
        const n = look.grey ? shared : look.noise * normal();
        pixels[i * 3 + c] = Math.max(0, Math.min(255, Math.round(pixels[i * 3 + c] + n)));
      }
    }
  }
  const file = path.join(dir, name);
  const encoder = sharp(pixels, { raw: { width, height, channels: 3 } });
  if (look.quality === undefined) await encoder.png().toFile(file);
  else
    await encoder.jpeg({ quality: look.quality, chromaSubsampling: look.chroma ?? '4:2:0', mozjpeg: look.mozjpeg ?? false }).toFile(file);
  return file;
}
