/** One line of a LineChart: one y value per x value (`null` leaves a gap, e.g. PSNR only on validation steps). */
export interface ChartSeries {
  label: string;
  values: readonly (number | null)[];
  /** A CSS colour or `var(--name)`; default: the next colour of the chart palette. */
  color?: string;
  dashed?: boolean;
}

/** A horizontal reference line across the whole chart, e.g. "bicubic 30.39 dB". */
export interface ChartBaseline {
  label: string;
  value: number;
  color?: string;
}

/**
 * Palette as CSS variables so themes can override them; the fallbacks are distinguishable in light and dark and for
 * the common colour-vision deficiencies (Okabe–Ito).
 */
export const PALETTE: readonly [string, string][] = [
  ['--chart-1', '#2f6fde'],
  ['--chart-2', '#e69f00'],
  ['--chart-3', '#009e73'],
  ['--chart-4', '#cc79a7'],
  ['--chart-5', '#56b4e9'],
  ['--chart-6', '#d55e00'],
];

/** Resolves `var(--x)` (or a palette slot) against an element's computed style, so uPlot's canvas gets real colours. */
export function resolveColor(style: CSSStyleDeclaration, color: string | undefined, index: number): string {
  if (color) {
    const variable = /^var\((--[\w-]+)\)$/.exec(color.trim());
    if (!variable) return color;
    return style.getPropertyValue(variable[1]).trim() || PALETTE[index % PALETTE.length][1];
  }
  const [name, fallback] = PALETTE[index % PALETTE.length];
  return style.getPropertyValue(name).trim() || fallback;
}
