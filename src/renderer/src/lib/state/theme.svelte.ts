import type { Settings, SrsClient } from '../../../../shared/contract/index.ts';

/** Light/dark follows the saved setting; `system` follows the OS through CSS alone. */
export class Theme {
  mode = $state<Settings['theme']>('system');

  constructor(private readonly client: SrsClient) {
    $effect.root(() => {
      $effect(() => {
        document.documentElement.dataset.theme = this.mode;
      });
    });
  }

  async load(): Promise<void> {
    try {
      this.mode = (await this.client.settings.get({})).settings.theme;
    } catch {
      // Settings unreadable: keep following the system; the System view shows engine errors.
    }
  }

  async set(mode: Settings['theme']): Promise<void> {
    this.mode = mode;
    await this.client.settings.set({ patch: { theme: mode } });
  }
}
