import { SrError } from '../../engine/errors.ts';
import { RANGE_METHODS, type RangeMethod } from '../../engine/quantize/activation-range.ts';

/** `--budget DB`: how much validation PSNR the int8 model may lose (default: the app's 0.1 dB). */
export function parseBudget(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const budget = Number(text);
  if (!Number.isFinite(budget) || budget < 0 || budget > 10) {
    throw new SrError('BAD_ARGUMENT', `--budget must be a number of dB from 0 to 10, got "${text}"`, 'For example --budget 0.05.');
  }
  return budget;
}

/** `--ranges mse|minmax`: how activation ranges are chosen (default mse). */
export function parseRanges(text: string | undefined): RangeMethod | undefined {
  if (text === undefined) return undefined;
  if ((RANGE_METHODS as readonly string[]).includes(text)) return text as RangeMethod;
  throw new SrError('BAD_ARGUMENT', `Unknown --ranges "${text}"`, `Use ${RANGE_METHODS.join(' or ')}.`);
}
