import path from 'node:path';

/**
 * Folders whose images the renderer may load through `srs-image://`: the engine's state folder (thumbnails, preview
 * tiles), folders and files the user picked in a native dialog, and the roots of registered data sets.
 * Nothing else, whatever path the page asks for.
 */
export class AllowedRoots {
  private readonly roots = new Set<string>();

  add(folder: string): void {
    if (path.isAbsolute(folder)) this.roots.add(path.resolve(folder));
  }

  list(): string[] {
    return [...this.roots];
  }

  /** Data set roots travel in results; learn them as results pass through main. */
  learnFromResult(method: string, result: unknown): void {
    if (!method.startsWith('datasets.') || typeof result !== 'object' || result === null) return;
    const record = result as { dataset?: { roots?: unknown }; datasets?: Array<{ roots?: unknown }> };
    for (const dataset of [record.dataset, ...(record.datasets ?? [])]) {
      if (!Array.isArray(dataset?.roots)) continue;
      for (const root of dataset.roots) if (typeof root === 'string') this.add(root);
    }
  }
}
