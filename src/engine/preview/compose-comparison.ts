import sharp, { type OverlayOptions } from 'sharp';
import type { RgbImage } from '../imaging/image.ts';

export interface LabelledPane {
  image: RgbImage;
  label: string;
  /** Drawn with an accent so the best pane stands out in the exported image too. */
  highlight?: boolean;
}

const GAP = 8;
const LABEL_HEIGHT = 26;
const FONT_SIZE = 14;
const BACKGROUND = { r: 24, g: 24, b: 24, alpha: 1 };

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** One label strip as SVG (sharp rasterises it with librsvg); long labels are cut to fit the pane. */
function labelSvg(text: string, width: number, highlight: boolean): Buffer {
  const maxChars = Math.max(4, Math.floor(width / (FONT_SIZE * 0.6)));
  const shown = text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
  const colour = highlight ? '#ffd24a' : '#f0f0f0';
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${LABEL_HEIGHT}">` +
      `<text x="4" y="${LABEL_HEIGHT - 8}" font-family="sans-serif" font-size="${FONT_SIZE}" fill="${colour}">${escapeXml(shown)}</text></svg>`,
  );
}

/** Panes side by side on a dark background, each with its label underneath; returns PNG bytes. */
export async function composeComparison(panes: LabelledPane[]): Promise<{ png: Buffer; width: number; height: number }> {
  const paneHeight = Math.max(...panes.map((pane) => pane.image.height));
  const width = panes.reduce((sum, pane) => sum + pane.image.width, 0) + GAP * (panes.length + 1);
  const height = paneHeight + LABEL_HEIGHT + GAP * 2;
  const layers: OverlayOptions[] = [];
  let left = GAP;
  for (const pane of panes) {
    const { image } = pane;
    layers.push({
      input: Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength),
      raw: { width: image.width, height: image.height, channels: image.channels },
      left,
      top: GAP,
    });
    layers.push({ input: labelSvg(pane.label, image.width, pane.highlight ?? false), left, top: GAP + paneHeight });
    left += image.width + GAP;
  }
  const png = await sharp({ create: { width, height, channels: 3, background: BACKGROUND } })
    .composite(layers)
    .png()
    .toBuffer();
  return { png, width, height };
}
