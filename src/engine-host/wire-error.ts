import { isSrError } from '../engine/errors.ts';
import { ContractError, type WireError, WireErrorCode } from '../shared/contract/index.ts';

/** Turns anything thrown by a handler into the error that crosses the boundary; never leaks a stack. */
export function toWireError(error: unknown, signal?: AbortSignal): WireError {
  if (error instanceof ContractError) return error.toWire();
  if (isSrError(error)) {
    const known = WireErrorCode.safeParse(error.code);
    return {
      code: known.success ? known.data : 'INTERNAL',
      message: error.message.slice(0, 8000),
      ...(error.hint ? { hint: error.hint.slice(0, 4000) } : {}),
      ...(error.path ? { path: error.path.slice(0, 4096) } : {}),
    };
  }
  if (signal?.aborted || (error instanceof Error && error.name === 'AbortError')) {
    return { code: 'CANCELLED', message: 'The request was cancelled.' };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'INTERNAL',
    message: `Unexpected engine error: ${message}`.slice(0, 8000),
    hint: 'This is a bug; the engine log has details.',
  };
}

export function notImplemented(method: string): ContractError {
  return new ContractError({
    code: 'NOT_IMPLEMENTED',
    message: `${method} is part of the contract but this engine build does not implement it yet.`,
    hint: 'Update SR Studio, or use the srstudio CLI for this task for now.',
  });
}
