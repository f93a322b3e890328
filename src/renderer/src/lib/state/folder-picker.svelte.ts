export interface BrowseEntry {
  name: string;
  path: string;
  kind: 'folder' | 'image';
}

/**
 * The web UI's stand-in for a native file dialog: it browses the server's `--root` folders through /api/browse.
 * (Electron uses real native pickers and never opens this.)
 */
export class FolderPicker {
  isOpen = $state(false);
  mode = $state<'folder' | 'files'>('folder');
  path = $state<string | null>(null);
  parent = $state<string | null>(null);
  entries = $state.raw<BrowseEntry[]>([]);
  selected = $state.raw<string[]>([]);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  /** True while a folder listing is on its way: choosing then would pick the folder being left, not the one clicked. */
  loading = $state(false);
  private request = 0;
  private settle: ((picked: string[]) => void) | undefined;

  open(mode: 'folder' | 'files'): Promise<string[]> {
    this.settle?.([]);
    this.mode = mode;
    this.selected = [];
    this.isOpen = true;
    void this.browse(null);
    return new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  async browse(path: string | null): Promise<void> {
    this.error = null;
    this.loading = true;
    const request = ++this.request;
    let response: Response;
    let body: { ok: boolean; path: string | null; parent: string | null; entries: BrowseEntry[]; reason?: string };
    try {
      response = await fetch(`/api/browse${path ? `?path=${encodeURIComponent(path)}` : ''}`);
      body = await response.json();
    } catch (error) {
      if (request === this.request) {
        this.loading = false;
        this.error = `Cannot reach srstudio serve: ${(error as Error).message}. Check that it is still running, then try again.`;
      }
      return;
    }
    // A later click has already asked for another folder: this answer is stale.
    if (request !== this.request) return;
    this.loading = false;
    if (!body.ok) {
      this.error = `Cannot open that folder: ${body.reason ?? response.statusText}`;
      return;
    }
    this.path = body.path;
    this.parent = body.parent;
    this.entries = body.entries;
  }

  toggle(file: string): void {
    this.selected = this.selected.includes(file) ? this.selected.filter((f) => f !== file) : [...this.selected, file];
  }

  choose(): void {
    const picked = this.mode === 'folder' ? (this.path ? [this.path] : []) : this.selected;
    this.close(picked);
  }

  close(picked: string[] = []): void {
    this.isOpen = false;
    this.settle?.(picked);
    this.settle = undefined;
  }
}

export const folderPicker = new FolderPicker();
