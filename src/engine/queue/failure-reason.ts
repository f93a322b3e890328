import type { ErrorCode } from '../errors.ts';
import type { ItemError } from '../jobs/job-events.ts';

/**
 * A failed file's reason as BullMQ stores it (the thrown Error's message): `CODE: message`, then `→ hint` on a line
 * of its own. Readable as is in any BullMQ dashboard, and parsed back into the journal's code + message.
 */
export function toFailureReason(error: ItemError): string {
  return `${error.code}: ${error.message}${error.hint ? `\n→ ${error.hint}` : ''}`;
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
