import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSrError } from '../../../src/engine/errors.ts';
import {
  isTempFileName,
  TEMP_SUFFIX,
  tempPathFor,
  writeFileAtomic,
  writeFileAtomicSync,
} from '../../../src/engine/imaging/atomic-write.ts';
import { encodePhoto } from '../../../src/engine/imaging/encode.ts';
import { makePhoto } from '../../helpers/imaging-photo.ts';
import { runImagingChild } from '../../helpers/imaging-spawn.ts';
import { NOBODY, nobodySkipNote, nobodyUnavailable } from '../../helpers/nobody.ts';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'srs-atomic-'));
  chmodSync(dir, 0o755); // children running as uid 65534 must be able to look inside
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const leftovers = (folder: string) => readdirSync(folder).filter((name) => name.endsWith(TEMP_SUFFIX));

describe('writeFileAtomic', () => {
  it('writes the content and leaves no temp file', async () => {
    const target = join(dir, 'out.txt');
    await writeFileAtomic(target, 'hello');
    expect(readFileSync(target, 'utf8')).toBe('hello');
    await writeFileAtomic(target, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(target)]).toEqual([1, 2, 3]);
    expect(leftovers(dir)).toEqual([]);
  });

  it('temp names are hidden, in the target folder, unique, and recognisable for cleanup', () => {
    const a = tempPathFor(join(dir, 'photo.png'));
    const b = tempPathFor(join(dir, 'photo.png'));
    expect(a).not.toBe(b);
    expect(a.startsWith(join(dir, '.photo.png.'))).toBe(true);
    expect(a.endsWith(TEMP_SUFFIX)).toBe(true);
    expect(isTempFileName('.photo.png.0a1b2c3d4e5f.srs-tmp')).toBe(true);
    expect(isTempFileName('photo.png')).toBe(false);
  });

  it.skipIf(nobodyUnavailable)(
    `NOT_WRITABLE naming the path when the folder is not writable (child as uid 65534), nothing left behind${nobodySkipNote}`,
    () => {
      const target = join(dir, 'result.png');
      const outcome = runImagingChild(['write', target, '1000'], { uid: NOBODY });
      expect(outcome.ok).toBe(false);
      expect(outcome.code).toBe('NOT_WRITABLE');
      expect(outcome.message).toContain(target);
      expect(readdirSync(dir)).toEqual([]);
    },
  );

  it('removes the temp file when the write fails halfway (file-size limit → EFBIG), old file untouched', () => {
    chmodSync(dir, 0o777);
    const target = join(dir, 'big.bin');
    writeFileSync(target, 'previous version');
    // ulimit -f 8 = 4 KiB: the temp file is created, then the 64 KiB write fails part-way
    const outcome = runImagingChild(['write', target, String(64 * 1024)], { fileSizeBlocks: 8 });
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toContain(target);
    expect(outcome.message).toContain('EFBIG');
    expect(leftovers(dir)).toEqual([]);
    expect(readFileSync(target, 'utf8')).toBe('previous version');
  });

  it('removes the temp file when the final rename fails (target is a folder)', async () => {
    const target = join(dir, 'taken');
    mkdirSync(join(target, 'inside'), { recursive: true });
    const error = await writeFileAtomic(target, 'data').catch((e: unknown) => e);
    expect(isSrError(error)).toBe(true);
    expect((error as Error).message).toContain(target);
    expect(leftovers(dir)).toEqual([]);
    expect(statSync(target).isDirectory()).toBe(true);
  });

  it('NOT_FOUND when the target folder does not exist', async () => {
    const target = join(dir, 'no-such-folder', 'out.png');
    const error = await writeFileAtomic(target, 'x').catch((e: unknown) => e);
    expect(isSrError(error) && error.code).toBe('NOT_FOUND');
    expect((error as Error).message).toContain(target);
  });
});

describe('writeFileAtomicSync', () => {
  it('writes the chunks in order over the old file and leaves no temp file', () => {
    const target = join(dir, 'run.ckpt');
    writeFileSync(target, 'previous version');
    writeFileAtomicSync(target, [new Uint8Array([1, 2]), new Uint8Array(0), new Uint8Array([3, 4, 5])]);
    expect([...readFileSync(target)]).toEqual([1, 2, 3, 4, 5]);
    expect(readdirSync(dir)).toEqual(['run.ckpt']);
  });

  it('removes the temp file when the final rename fails (target is a folder), naming the target', () => {
    const target = join(dir, 'taken');
    mkdirSync(join(target, 'inside'), { recursive: true });
    expect(() => writeFileAtomicSync(target, [new Uint8Array(16)])).toThrow(expect.objectContaining({ path: target }));
    expect(leftovers(dir)).toEqual([]);
    expect(statSync(target).isDirectory()).toBe(true);
  });

  it('NOT_FOUND naming the target when its folder does not exist', () => {
    const target = join(dir, 'no-such-folder', 'run.ckpt');
    expect(() => writeFileAtomicSync(target, [new Uint8Array(1)])).toThrow(expect.objectContaining({ code: 'NOT_FOUND', path: target }));
  });
});

describe('encodePhoto is atomic too', () => {
  it('replaces an existing output in one step and leaves no temp file', async () => {
    const target = join(dir, 'photo.webp');
    writeFileSync(target, 'old');
    const { bytes } = await encodePhoto(makePhoto({ width: 32, height: 32 }), { format: 'png' }, target, { format: 'webp' });
    expect(statSync(target).size).toBe(bytes);
    expect(readFileSync(target).subarray(8, 12).toString('latin1')).toBe('WEBP');
    expect(leftovers(dir)).toEqual([]);
  });
});
