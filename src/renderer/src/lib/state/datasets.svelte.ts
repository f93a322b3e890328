import {
  ContractError,
  type DatasetProfile,
  type DatasetSummary,
  type ResultOf,
  type SrsClient,
} from '../../../../shared/contract/index.ts';
import { UserActions, uiError } from './user-actions.svelte.ts';

export type DatasetImage = ResultOf<'datasets.show'>['images'][number];

const PAGE = 500;
const THUMB_SIZE = 160;

/**
 * The Datasets screen. Images load page by page as the grid scrolls (a data set may hold thousands), and thumbnails
 * are asked for only for the rows on screen.
 */
export class DatasetsState extends UserActions {
  datasets = $state.raw<DatasetSummary[]>([]);
  selectedId = $state<string | null>(null);
  /** Files the last import left out, each with its reason. */
  skippedFiles = $state.raw<{ path: string; reason: string }[]>([]);
  /** Sparse: index → image, filled as pages arrive. */
  images = $state.raw<(DatasetImage | undefined)[]>([]);
  thumbnails = $state.raw<Record<string, string>>({});
  /** The latest profile of each data set that has one, by data set id. */
  profiles = $state.raw<Record<string, DatasetProfile>>({});
  private pagesLoaded = new Set<number>();
  private thumbsRequested = new Set<string>();
  /** False once the engine answers NOT_IMPLEMENTED: the grid then shows the photos themselves, scaled by the browser. */
  private thumbnailsSupported = true;

  constructor(private readonly client: SrsClient) {
    super();
  }

  get selected(): DatasetSummary | undefined {
    return this.datasets.find((d) => d.id === this.selectedId);
  }

  get profile(): DatasetProfile | undefined {
    return this.selectedId ? this.profiles[this.selectedId] : undefined;
  }

  /** Statistics over the images loaded so far (all of them once the grid has been scrolled, or for small sets). */
  get stats() {
    const loaded = this.images.filter((i): i is DatasetImage => i !== undefined);
    const pixels = loaded.map((i) => i.width * i.height).sort((a, b) => a - b);
    return {
      loaded: loaded.length,
      missing: loaded.filter((i) => i.missing).length,
      medianMegapixels: pixels.length ? pixels[Math.floor(pixels.length / 2)] / 1e6 : 0,
      smallest: loaded.reduce<DatasetImage | undefined>((a, b) => (!a || b.width * b.height < a.width * a.height ? b : a), undefined),
      largest: loaded.reduce<DatasetImage | undefined>((a, b) => (!a || b.width * b.height > a.width * a.height ? b : a), undefined),
    };
  }

  async refresh(): Promise<void> {
    await this.run('Loading data sets…', async () => {
      this.datasets = (await this.client.datasets.list({})).datasets;
      const { profiles } = await this.client.datasets.profiles({});
      this.profiles = Object.fromEntries(profiles.map((p) => [p.datasetId, p]));
      if (!this.selectedId && this.datasets[0]) await this.select(this.datasets[0].id);
    });
  }

  async select(id: string): Promise<void> {
    this.selectedId = id;
    this.images = [];
    this.thumbnails = {};
    this.pagesLoaded.clear();
    this.thumbsRequested.clear();
    await this.ensureRange(0, PAGE);
  }

  private replace(summary: DatasetSummary): void {
    this.datasets = this.datasets.some((d) => d.id === summary.id)
      ? this.datasets.map((d) => (d.id === summary.id ? summary : d))
      : [...this.datasets, summary];
  }

  /** Makes sure images [from, to) are loaded (page-aligned requests). */
  async ensureRange(from: number, to: number): Promise<void> {
    const id = this.selectedId;
    if (!id) return;
    for (let page = Math.floor(from / PAGE); page * PAGE < to; page++) {
      if (this.pagesLoaded.has(page)) continue;
      this.pagesLoaded.add(page);
      try {
        const result = await this.client.datasets.show({ id, offset: page * PAGE, limit: PAGE });
        if (this.selectedId !== id) return;
        this.replace(result.dataset);
        const next = this.images.slice();
        next.length = Math.max(next.length, result.dataset.imageCount);
        result.images.forEach((image, i) => {
          next[page * PAGE + i] = image;
        });
        this.images = next;
      } catch (error) {
        this.pagesLoaded.delete(page);
        this.error = uiError(error);
        return;
      }
    }
  }

  /** The thumbnail URL for an image, or null while it is being made. */
  thumbnailUrl(image: DatasetImage): string | null {
    if (!this.thumbnailsSupported) return this.client.imageUrl(image.path);
    return this.thumbnails[image.path] ?? null;
  }

  async requestThumbnails(images: readonly DatasetImage[]): Promise<void> {
    const id = this.selectedId;
    const wanted = images.filter((i) => !i.missing && !this.thumbsRequested.has(i.path)).map((i) => i.path);
    if (!id || wanted.length === 0 || !this.thumbnailsSupported) return;
    for (const path of wanted) this.thumbsRequested.add(path);
    try {
      const result = await this.client.datasets.thumbnails({ id, paths: wanted, size: THUMB_SIZE });
      const next = { ...this.thumbnails };
      for (const t of result.thumbnails) next[t.source] = this.client.imageUrl(t.thumbnail.path);
      this.thumbnails = next;
    } catch (error) {
      if (error instanceof ContractError && error.code === 'NOT_IMPLEMENTED') {
        this.thumbnailsSupported = false;
        this.thumbnails = { ...this.thumbnails };
      } else {
        for (const path of wanted) this.thumbsRequested.delete(path);
        this.error = uiError(error);
      }
    }
  }

  async create(name: string, paths: string[], recursive: boolean, patchSize: number | undefined): Promise<boolean> {
    const result = await this.run('Importing photos…', () =>
      this.client.datasets.create({ name, paths, recursive, ...(patchSize ? { patchSize } : {}) }),
    );
    if (!result) return false;
    this.replace(result.dataset);
    this.skippedFiles = result.skippedFiles;
    this.notice =
      `Added ${result.added} image${result.added === 1 ? '' : 's'}` +
      (result.skipped ? `; skipped ${result.skipped} (listed below with the reason for each).` : '.');
    await this.select(result.dataset.id);
    return true;
  }

  async remove(id: string): Promise<void> {
    const done = await this.run('Removing…', () => this.client.datasets.rm({ id }));
    if (!done) return;
    this.datasets = this.datasets.filter((d) => d.id !== id);
    if (this.selectedId === id) {
      this.selectedId = null;
      this.images = [];
      if (this.datasets[0]) await this.select(this.datasets[0].id);
    }
    this.notice = 'Data set removed; the photos stay on disk.';
  }

  /** Adds folders to the selected data set; each skipped file is listed with its reason. */
  async add(paths: string[], recursive: boolean): Promise<void> {
    const id = this.selectedId;
    if (!id || paths.length === 0) return;
    const result = await this.run('Adding photos…', () => this.client.datasets.add({ id, paths, recursive }));
    if (!result) return;
    this.replace(result.dataset);
    this.skippedFiles = result.skippedFiles;
    await this.select(id);
    this.notice = `Added ${result.added} image${result.added === 1 ? '' : 's'}${result.skipped ? `; skipped ${result.skipped} (listed below with the reason for each).` : '.'}`;
  }

  /** Takes a folder out of the selected data set; the photos stay on disk. */
  async removeFolder(path: string): Promise<void> {
    const id = this.selectedId;
    if (!id) return;
    const result = await this.run('Removing folder…', () => this.client.datasets.remove({ id, paths: [path] }));
    if (!result) return;
    this.replace(result.dataset);
    await this.select(id);
    this.notice = `Removed ${result.removedImages} image${result.removedImages === 1 ? '' : 's'} with the folder; the photos stay on disk.`;
  }

  async rescan(): Promise<void> {
    const id = this.selectedId;
    if (!id) return;
    const result = await this.run('Rescanning folders…', () => this.client.datasets.rescan({ id }));
    if (!result) return;
    this.replace(result.dataset);
    await this.select(id);
    this.notice = `Rescan: ${result.added} added, ${result.removed} removed.`;
  }

  async split(valFraction: number, seed: number): Promise<void> {
    const id = this.selectedId;
    if (!id) return;
    const result = await this.run('Splitting…', () =>
      this.client.datasets.split({ id, fractions: { train: 1 - valFraction, val: valFraction }, seed }),
    );
    if (!result) return;
    this.replace(result.dataset);
    await this.select(id);
    this.notice = `Split: ${result.dataset.splits.train} train, ${result.dataset.splits.val} validation.`;
  }

  /** Reads a sample of the selected data set's photos and keeps what they look like (seconds to a minute). */
  async profileSelected(): Promise<void> {
    const id = this.selectedId;
    if (!id) return;
    const result = await this.run('Profiling the photos… (reading up to 30 of them)', () => this.client.datasets.profile({ id }));
    if (!result) return;
    this.profiles = { ...this.profiles, [id]: result.profile };
    const { profiled, skipped } = result.profile.photos;
    this.notice = `Profiled ${profiled} photo${profiled === 1 ? '' : 's'}${skipped.length ? `; skipped ${skipped.length} (listed with the profile).` : '.'}`;
  }

  async exportManifest(to: string): Promise<void> {
    const id = this.selectedId;
    if (!id) return;
    const result = await this.run('Exporting…', () => this.client.datasets.export({ id, to }));
    if (result) this.notice = `Manifest written to ${result.path}.`;
  }
}
