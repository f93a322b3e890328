import { toUiError, type UiError } from '../ui-error.ts';

export type { UiError };

/** As toUiError, plus the plain wire errors that events carry (`job.state`'s `error`), which are not Error objects. */
export function uiError(error: unknown): UiError {
  if (!(error instanceof Error) && typeof error === 'object' && error !== null && typeof (error as UiError).message === 'string') {
    const { message, hint } = error as UiError;
    return hint ? { message, hint } : { message };
  }
  return toUiError(error);
}

/**
 * What a screen shows around a user's action: what it is doing now, the last error (with its hint) and the last
 * outcome. Screens extend it and wrap each request in `run`.
 */
export class UserActions {
  busy = $state<string | null>(null);
  error = $state<UiError | null>(null);
  notice = $state<string | null>(null);

  /** Runs one action with its progress label; a failure lands in `error` and resolves to undefined. */
  protected async run<T>(label: string, work: () => Promise<T>): Promise<T | undefined> {
    this.busy = label;
    this.error = null;
    this.notice = null;
    try {
      return await work();
    } catch (error) {
      this.error = uiError(error);
      return undefined;
    } finally {
      this.busy = null;
    }
  }
}
