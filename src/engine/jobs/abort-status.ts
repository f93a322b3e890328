/** How a batch stopped by its signal is recorded. Both can be resumed; a cancel also takes a queued batch's unstarted files out of its queue. */
export type StopStatus = 'interrupted' | 'cancelled';

/**
 * The status to record, or how to decide it from the signal's reason at the moment the batch stops: for a caller whose
 * one signal serves several kinds of stop (the engine's job queue: a user's cancel, or the engine shutting down).
 */
export type AbortStatus = StopStatus | ((reason: unknown) => StopStatus);

/** What a batch stopped by `signal` records: 'interrupted' unless the caller said otherwise. */
export function statusOnAbort(choice: AbortStatus | undefined, signal: AbortSignal | undefined): StopStatus {
  return typeof choice === 'function' ? choice(signal?.reason) : (choice ?? 'interrupted');
}
