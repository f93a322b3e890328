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

/** `--strength`: 0 is valid (the clean model), so this is not parsePositive. */
export function parseStrength(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new SrError('BAD_ARGUMENT', `--strength must be a number from 0 to 1, not "${text}"`, 'For example --strength 0.5.');
  }
  return value;
}
