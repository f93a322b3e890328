import { z } from 'zod';

/**
 * Every error that crosses a process boundary. It mirrors the engine's SrError (code, message, hint, path) and adds
 * the codes that only the plumbing can produce. `src/engine-host` checks at compile time that every engine ErrorCode
 * is listed here.
 */
export const WireErrorCode = z.enum([
  // The engine's own codes (src/engine/errors.ts).
  'NOT_FOUND',
  'NOT_READABLE',
  'NOT_WRITABLE',
  'EMPTY_FILE',
  'NOT_AN_IMAGE',
  'CORRUPT_IMAGE',
  'TOO_LARGE',
  'TOO_SMALL',
  'NO_IMAGES',
  'BAD_ARGUMENT',
  'UNKNOWN_METHOD',
  'UNKNOWN_MODEL',
  'BAD_MODEL',
  'NO_DEFAULT_MODEL',
  'DISK_FULL',
  'OUTPUT_EXISTS',
  'OVER_QUALITY_BUDGET',
  'CANCELLED',
  'QUEUE_UNAVAILABLE',
  'INTERNAL',
  // The plumbing's codes.
  /** The message was not valid JSON, had the wrong shape, or its params failed the contract's schema. */
  'BAD_REQUEST',
  /** The request is in the contract but this engine build does not implement it yet. */
  'NOT_IMPLEMENTED',
  /** The engine process died while the request was in flight; it is being restarted. */
  'ENGINE_CRASHED',
  /** The engine is not running (stopped, or restarting after a crash). */
  'ENGINE_UNAVAILABLE',
  /** Client and engine were built from different contract versions. */
  'VERSION_MISMATCH',
  /** A path outside the folders the user picked. */
  'FORBIDDEN_PATH',
]);
export type WireErrorCode = z.infer<typeof WireErrorCode>;

export const WireError = z.object({
  code: WireErrorCode,
  message: z.string().max(8000),
  hint: z.string().max(4000).optional(),
  path: z.string().max(4096).optional(),
  /** For BAD_REQUEST: where the payload was wrong, e.g. `params.scale`. */
  issues: z.array(z.string().max(500)).max(20).optional(),
});
export type WireError = z.infer<typeof WireError>;

/** What a client throws when a request fails: the wire error as an Error, so `await` sites can catch it. */
export class ContractError extends Error {
  override readonly name = 'ContractError';
  readonly code: WireErrorCode;
  readonly hint?: string;
  readonly path?: string;
  readonly issues?: string[];

  constructor(error: WireError) {
    super(error.message);
    this.code = error.code;
    this.hint = error.hint;
    this.path = error.path;
    this.issues = error.issues;
  }

  toWire(): WireError {
    return { code: this.code, message: this.message, hint: this.hint, path: this.path, issues: this.issues };
  }
}
