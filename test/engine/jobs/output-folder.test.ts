import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSrError } from '../../../src/engine/errors.ts';
import { ensureOutputFolder } from '../../../src/engine/jobs/output-folder.ts';
import { inNobodyCheckout, NOBODY, nobodyCheckout, nobodySkipNote, nobodyUnavailable } from '../../helpers/nobody.ts';
import { fullDiskSkipNote, fullDiskUnavailable, withReadOnlyDisk } from '../../helpers/private-tmpfs.ts';

const CHILD = fileURLToPath(new URL('../../helpers/output-folder-child.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../..', import.meta.url));

interface Outcome {
  ok: boolean;
  code?: string;
  message?: string;
  path?: string;
}

/** ensureOutputFolder(dir) in a child process: as `uid`, or under `wrapper` (a mount of its own). */
function inChild(dir: string, opts: { uid?: number; wrapper?: string[] } = {}): Outcome {
  const node = [process.execPath, '--import', 'tsx', opts.uid === undefined ? CHILD : inNobodyCheckout(CHILD), dir];
  const command = [...(opts.wrapper ?? []), ...node];
  const result = spawnSync(command[0], command.slice(1), {
    cwd: opts.uid === undefined ? REPO : nobodyCheckout(),
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, HOME: '/tmp' }, // tsx's cache: somewhere any uid may write
    ...(opts.uid === undefined ? {} : { uid: opts.uid, gid: opts.uid }),
  });
  if (result.status !== 0 || !result.stdout) throw new Error(`output-folder child failed (status ${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as Outcome;
}

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-output-folder-'));
  fs.chmodSync(tmp, 0o755); // the nobody child must reach folders in here
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('ensureOutputFolder', () => {
  it('makes the folder and its missing parents, and leaves nothing in it', () => {
    const out = path.join(tmp, 'a', 'b', 'out');
    ensureOutputFolder(out);
    expect(fs.statSync(out).isDirectory()).toBe(true);
    expect(fs.readdirSync(out)).toEqual([]); // the write check removed its probe file
    ensureOutputFolder(out); // an existing folder is fine
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it('a file in the way is a BAD_ARGUMENT naming the output path', () => {
    const file = path.join(tmp, 'taken');
    fs.writeFileSync(file, 'x');
    for (const out of [file, path.join(file, 'out')]) {
      let caught: unknown;
      try {
        ensureOutputFolder(out);
      } catch (error) {
        caught = error;
      }
      expect(isSrError(caught) && caught.code).toBe('BAD_ARGUMENT');
      expect((caught as Error).message).toContain(out);
    }
  });

  it.skipIf(fullDiskUnavailable)(
    `on a read-only file system: NOT_WRITABLE naming the output folder, whether it exists or must be made${fullDiskSkipNote}`,
    () => {
      const readOnly = path.join(tmp, 'ro');
      fs.mkdirSync(readOnly);
      for (const out of [readOnly, path.join(readOnly, 'out', 'sub')]) {
        const outcome = inChild(out, { wrapper: withReadOnlyDisk(readOnly) });
        expect(outcome).toMatchObject({ ok: false, code: 'NOT_WRITABLE', path: out });
        expect(outcome.message).toContain(out);
        expect(outcome.message).toMatch(/read-only file system/);
      }
    },
  );

  it.skipIf(nobodyUnavailable)(`in a folder the user may not write to: NOT_WRITABLE naming the folder${nobodySkipNote}`, () => {
    const locked = path.join(tmp, 'locked');
    fs.mkdirSync(locked, { mode: 0o755 }); // root's: uid 65534 may enter it but not write in it
    fs.chmodSync(locked, 0o755);
    for (const out of [locked, path.join(locked, 'out')]) {
      const outcome = inChild(out, { uid: NOBODY });
      expect(outcome).toMatchObject({ ok: false, code: 'NOT_WRITABLE', path: out });
      expect(outcome.message).toContain(out);
    }
    expect(fs.readdirSync(locked)).toEqual([]);
  });
});
