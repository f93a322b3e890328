import path from 'node:path';
import sharp from 'sharp';
import { photoLikeImage } from './models-photo.ts';

/** Writes a photo-like PNG (gradients, a disc, a bar, texture) for the UI flows; returns its path. */
export async function writePhotoPng(dir: string, name: string, width: number, height: number, seed = 7): Promise<string> {
  const image = photoLikeImage(width, height, 3, seed);
  const file = path.join(dir, name);
  await sharp(image.data, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(file);
  return file;
}

/**
 * A detailed scene with many anti-aliased edges (discs, bars, thin strokes at various angles) drawn by sharp's SVG
 * renderer. Edges are where a learned model beats bicubic, so Evaluate mode has a clear winner. Deterministic.
 */
export async function writeEdgeScenePng(dir: string, name: string, width: number, height: number, seed = 3): Promise<string> {
  let s = seed >>> 0;
  const random = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const colour = () => `rgb(${Math.floor(random() * 255)},${Math.floor(random() * 255)},${Math.floor(random() * 255)})`;
  const shapes: string[] = [];
  for (let i = 0; i < 60; i++) {
    const x = random() * width;
    const y = random() * height;
    const kind = i % 3;
    if (kind === 0) shapes.push(`<circle cx="${x}" cy="${y}" r="${4 + random() * 30}" fill="${colour()}"/>`);
    else if (kind === 1)
      shapes.push(
        `<rect x="${x}" y="${y}" width="${6 + random() * 50}" height="${6 + random() * 50}" fill="${colour()}" transform="rotate(${random() * 90} ${x} ${y})"/>`,
      );
    else
      shapes.push(
        `<line x1="${x}" y1="${y}" x2="${x + (random() - 0.5) * 160}" y2="${y + (random() - 0.5) * 160}" stroke="${colour()}" stroke-width="${1 + random() * 4}"/>`,
      );
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="rgb(200,190,170)"/>${shapes.join('')}</svg>`;
  const file = path.join(dir, name);
  await sharp(Buffer.from(svg)).flatten().png().toFile(file);
  return file;
}
