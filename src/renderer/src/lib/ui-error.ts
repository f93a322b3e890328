import { ContractError } from '../../../shared/contract/index.ts';

/** What ErrorNote shows: what happened, and what to do about it. */
export interface UiError {
  message: string;
  hint?: string;
}

/** Any thrown value as a UiError; contract errors keep the engine's hint. */
export function toUiError(error: unknown, fallbackHint?: string): UiError {
  if (error instanceof ContractError) return { message: error.message, hint: error.hint ?? fallbackHint };
  return { message: error instanceof Error ? error.message : String(error), hint: fallbackHint };
}
