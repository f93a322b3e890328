import type { z } from 'zod';

/** One request of the contract: the schema its params must pass, and the schema of what it returns. */
export interface RequestSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly params: P;
  readonly result: R;
  /** Long work answers at once with a job id and reports through `job.*` events. */
  readonly summary: string;
}

export function defineRequest<P extends z.ZodType, R extends z.ZodType>(params: P, result: R, summary: string): RequestSpec<P, R> {
  return { params, result, summary };
}
