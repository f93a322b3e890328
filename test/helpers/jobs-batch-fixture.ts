import path from 'node:path';
import { afterEach, beforeAll, beforeEach } from 'vitest';
import { openStore, type Store } from '../../src/engine/store/store.ts';
import { writeBatchModel } from './jobs-batch.ts';
import { makeJobsTempDir } from './jobs-fs.ts';

/** What a batch test works with: a store in a fresh temp folder, and the batch model shared by the test file. */
export interface BatchFixture {
  store: Store;
  model: string;
  /** The test's temp folder. */
  dir: string;
  /** A path inside the test's temp folder. */
  at(...parts: string[]): string;
}

/**
 * The hooks of a batch test file: the model written once (under `<prefix>model-`), and before each test a fresh temp
 * folder (`<prefix>`) with a store in it, handed to `onEach`; both removed after. Call at the top level.
 */
export function useBatchFixture(prefix: string, onEach: (fixture: BatchFixture) => void): void {
  let model = '';
  let current: { store: Store; cleanup(): void } | undefined;
  beforeAll(async () => {
    const shared = makeJobsTempDir(`${prefix}model-`);
    model = await writeBatchModel(shared.dir);
    return () => shared.cleanup();
  });
  beforeEach(() => {
    const tmp = makeJobsTempDir(prefix);
    const store = openStore(path.join(tmp.dir, 'state'));
    current = { store, cleanup: tmp.cleanup };
    onEach({ store, model, dir: tmp.dir, at: (...parts) => path.join(tmp.dir, ...parts) });
  });
  afterEach(() => {
    current?.store.close();
    current?.cleanup();
    current = undefined;
  });
}
