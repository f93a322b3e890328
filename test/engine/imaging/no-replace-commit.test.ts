import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEMP_SUFFIX, writeFileAtomic } from '../../../src/engine/imaging/atomic-write.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'srs-no-replace-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const leftovers = () => readdirSync(dir).filter((name) => name.endsWith(TEMP_SUFFIX));

describe('writeFileAtomic with replace: false', () => {
  it('writes where nothing is, and leaves no temp file', async () => {
    const target = join(dir, 'photo_x2.png');
    await writeFileAtomic(target, 'new', { replace: false });
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(leftovers()).toEqual([]);
  });

  it('keeps a file already there: OUTPUT_EXISTS naming it, no temp file left', async () => {
    const target = join(dir, 'photo_x2.png');
    writeFileSync(target, 'precious');
    await expect(writeFileAtomic(target, 'new', { replace: false })).rejects.toMatchObject({
      code: 'OUTPUT_EXISTS',
      path: target,
      message: `${target} already exists; it was left as it is`,
    });
    expect(readFileSync(target, 'utf8')).toBe('precious');
    expect(leftovers()).toEqual([]);
  });

  it('does not write through a symlink at the target, even a dangling one', async () => {
    const target = join(dir, 'photo_x2.png');
    symlinkSync(join(dir, 'nowhere.png'), target);
    await expect(writeFileAtomic(target, 'new', { replace: false })).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    expect(readlinkSync(target)).toBe(join(dir, 'nowhere.png'));
    expect(readdirSync(dir)).toEqual(['photo_x2.png']);
  });

  it('of many writers racing for one name, exactly one wins and its bytes are the file', async () => {
    const target = join(dir, 'photo_x2.png');
    const writers = Array.from({ length: 16 }, (_, i) => writeFileAtomic(target, `writer ${i}`, { replace: false }));
    const results = await Promise.allSettled(writers);
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'OUTPUT_EXISTS' });
    expect(readFileSync(target, 'utf8')).toBe(`writer ${won[0]}`);
    expect(leftovers()).toEqual([]);
  });

  it('the default still replaces, as every other writer of the engine expects', async () => {
    const target = join(dir, 'settings.json');
    writeFileSync(target, 'old');
    await writeFileAtomic(target, 'new');
    expect(readFileSync(target, 'utf8')).toBe('new');
  });
});
