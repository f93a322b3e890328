import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type BrokenFile, type UnusualFile, writeBadFiles } from './imaging-bad-files.ts';

/**
 * The broken and unusual files, written once into a fresh temp folder before a test file's tests and removed after
 * them. Call at the top level of a test file; read `files` inside the tests.
 */
export function useBadFiles(prefix: string): { readonly dir: string; readonly files: Record<BrokenFile | UnusualFile, string> } {
  const state = { dir: '', files: {} as Record<BrokenFile | UnusualFile, string> };
  beforeAll(async () => {
    state.dir = mkdtempSync(join(tmpdir(), prefix));
    state.files = await writeBadFiles(state.dir);
  });
  afterAll(() => rmSync(state.dir, { recursive: true, force: true }));
  return state;
}
