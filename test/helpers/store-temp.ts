import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openStore, type Store } from '../../src/engine/store/store.ts';

/** A fresh temp folder per test; `cleanup` removes it (call it in afterEach). */
export function makeTempDir(prefix = 'srstudio-store-'): { dir: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A fresh store in a temp folder for each test of the calling `describe`: opened before each test, closed and
 * removed after it. Read it as `temp.store` inside the tests.
 */
export function useTempStore(): { readonly store: Store } {
  let current: Store | undefined;
  let cleanup = () => {};
  beforeEach(() => {
    const temp = makeTempDir();
    cleanup = temp.cleanup;
    current = openStore(temp.dir);
  });
  afterEach(() => {
    current?.close();
    cleanup();
  });
  return {
    get store(): Store {
      if (!current) throw new Error('useTempStore: the store exists only inside a test');
      return current;
    },
  };
}
