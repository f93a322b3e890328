import { ContractError } from '../../../../shared/contract/index.ts';

/** One request's data with its loading and error state; `value` is raw state because results are replaced, not mutated. */
export class Loader<T> {
  value = $state.raw<T | null>(null);
  loading = $state(false);
  error = $state<{ message: string; hint?: string } | null>(null);

  constructor(private readonly fetcher: () => Promise<T>) {}

  async load(): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      this.value = await this.fetcher();
    } catch (error) {
      this.error = error instanceof ContractError ? { message: error.message, hint: error.hint } : { message: String(error) };
    } finally {
      this.loading = false;
    }
  }
}
