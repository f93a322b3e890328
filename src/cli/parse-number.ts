import { SrError } from '../engine/errors.ts';

/** A flag's value as a positive number (whole where asked), or BAD_ARGUMENT naming the flag with an example. */
export function parsePositive(text: string, flag: string, { integer }: { integer: boolean }): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new SrError(
      'BAD_ARGUMENT',
      `${flag} must be a positive ${integer ? 'whole ' : ''}number, got "${text}"`,
      `e.g. ${flag} ${integer ? '512' : '2'}`,
    );
  }
  return value;
}
