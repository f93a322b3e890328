import { UnrecoverableError } from 'bullmq';
import type { ErrorCode } from '../errors.ts';
import type { ItemError } from '../jobs/job-events.ts';

/**
 * A failed file's reason as BullMQ stores it (the thrown Error's message): `CODE: message`, then `→ hint` on a line
 * of its own. Readable as is in any BullMQ dashboard, and parsed back into the journal's code + message.
 */
export function toFailureReason(error: ItemError): string {
  return `${error.code}: ${error.message}${error.hint ? `\n→ ${error.hint}` : ''}`;
}

/**
 * Failures another try cannot change, on this worker or another: the file's own (its bytes are not a usable image:
 * the same bytes fail the same way), and OUTPUT_EXISTS (the batch's policy keeps the file found at the output, so it
 * is the file's final outcome). Anything else (a share that went away, a full disk, a crash) may pass.
 */
const FINAL: readonly ErrorCode[] = ['EMPTY_FILE', 'NOT_AN_IMAGE', 'CORRUPT_IMAGE', 'TOO_LARGE', 'TOO_SMALL', 'OUTPUT_EXISTS'];

/** What a worker throws for a failed file: BullMQ tries it again up to the batch's attempts, unless retrying cannot help. */
export function failedFileError(error: ItemError): Error {
  const reason = toFailureReason(error);
  return FINAL.includes(error.code) ? new UnrecoverableError(reason) : new Error(reason);
}

const KNOWN = /^([A-Z][A-Z_]+): ([\s\S]*)$/;

/** Reasons BullMQ writes itself (a job that stalled too often) carry no code and read as INTERNAL. */
export function parseFailureReason(reason: string | undefined): ItemError {
  const text = (reason ?? '').trim() || 'failed without a reason';
  const match = KNOWN.exec(text);
  if (!match) return { code: 'INTERNAL', message: describeBullmqReason(text) };
  const [message, hint] = match[2].split('\n→ ');
  return hint ? { code: match[1] as ErrorCode, message, hint } : { code: match[1] as ErrorCode, message };
}

function describeBullmqReason(text: string): string {
  if (/stalled more than allowable limit/.test(text)) return `Workers stopped while working on this file too many times (${text})`;
  return text;
}
