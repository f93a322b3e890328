import { isSrError, type SrError } from '../../src/engine/errors.ts';

/** The SrError a promise rejects with; anything else (a resolve, another error) fails the test. */
export async function caughtSrError(promise: Promise<unknown>): Promise<SrError> {
  try {
    await promise;
  } catch (error) {
    if (!isSrError(error)) throw error;
    return error;
  }
  throw new Error('expected an SrError');
}
