import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { confirmRealPath, IMAGE_EXTENSIONS, resolveUnderRoots } from '../../src/engine/path-policy.ts';

const roots = ['/home/ann/Pictures', '/data/sets/t91'];

describe('resolveUnderRoots (POSIX)', () => {
  it.each([
    ['/home/ann/Pictures/cat.png', '/home/ann/Pictures/cat.png'],
    ['/home/ann/Pictures/2024/trip/IMG_1.JPG', '/home/ann/Pictures/2024/trip/IMG_1.JPG'],
    ['/data/sets/t91/t1.png', '/data/sets/t91/t1.png'],
    ['/home/ann/Pictures//double//slash.png', '/home/ann/Pictures/double/slash.png'],
    ['/home/ann/Pictures/./dot.png', '/home/ann/Pictures/dot.png'],
    ['/home/ann/Pictures/..hidden.png', '/home/ann/Pictures/..hidden.png'],
  ])('allows %s', (requested, expected) => {
    expect(resolveUnderRoots(requested, roots, { api: path.posix, extensions: IMAGE_EXTENSIONS })).toEqual({ ok: true, path: expected });
  });

  it.each([
    ['/home/ann/Pictures/../.ssh/id_rsa.png', 'contains ".."'],
    ['/home/ann/Pictures/a/../../../etc/passwd.png', 'contains ".."'],
    ['/home/ann/Pictures/..', 'contains ".."'],
    ['/home/ann/Pictures\\..\\secret.png', 'contains ".."'],
    ['/home/ann/PicturesEvil/x.png', 'outside'],
    ['/home/ann/Picture/x.png', 'outside'],
    ['/etc/passwd', 'not an image'],
    ['/etc/shadow.png', 'outside'],
    ['relative/cat.png', 'not absolute'],
    ['cat.png', 'not absolute'],
    ['', 'empty'],
    ['/home/ann/Pictures/cat.png\u0000.txt', 'NUL'],
    ['/home/ann/Pictures/notes.txt', 'not an image'],
    ['/home/ann/Pictures/cat.png.exe', 'not an image'],
    [`/home/ann/Pictures/${'a/'.repeat(2100)}x.png`, 'too long'],
  ])('rejects %s (%s)', (requested, reason) => {
    const decision = resolveUnderRoots(requested, roots, { api: path.posix, extensions: IMAGE_EXTENSIONS });
    expect(decision.ok).toBe(false);
    if (!decision.ok) expect(decision.reason).toContain(reason);
  });

  it('rejects everything when no roots are allowed, and ignores relative or empty roots', () => {
    expect(resolveUnderRoots('/home/ann/Pictures/cat.png', [], { api: path.posix }).ok).toBe(false);
    expect(resolveUnderRoots('/home/ann/Pictures/cat.png', ['', 'Pictures'], { api: path.posix }).ok).toBe(false);
  });

  it('allows the root itself only without an extension filter (folder browsing)', () => {
    expect(resolveUnderRoots('/data/sets/t91', roots, { api: path.posix })).toEqual({ ok: true, path: '/data/sets/t91' });
    expect(resolveUnderRoots('/data/sets/t91', roots, { api: path.posix, extensions: IMAGE_EXTENSIONS }).ok).toBe(false);
  });

  it('a root of / allows everything absolute but still refuses ..', () => {
    expect(resolveUnderRoots('/anything/x.png', ['/'], { api: path.posix }).ok).toBe(true);
    expect(resolveUnderRoots('/anything/../x.png', ['/'], { api: path.posix }).ok).toBe(false);
  });
});

describe('resolveUnderRoots (Windows rules)', () => {
  const winRoots = ['C:\\Users\\Ann\\Pictures'];
  it.each([
    ['C:\\Users\\Ann\\Pictures\\cat.png', true],
    ['c:\\users\\ann\\pictures\\cat.png', true],
    ['C:/Users/Ann/Pictures/cat.png', true],
    ['C:\\Users\\Ann\\Pictures\\..\\Documents\\x.png', false],
    ['D:\\Users\\Ann\\Pictures\\cat.png', false],
    ['\\\\server\\share\\cat.png', false],
    ['C:\\Users\\Ann\\PicturesX\\cat.png', false],
    ['Pictures\\cat.png', false],
    ['C:cat.png', false],
  ])('%s → allowed: %s', (requested, allowed) => {
    expect(resolveUnderRoots(requested, winRoots, { api: path.win32, extensions: IMAGE_EXTENSIONS }).ok).toBe(allowed);
  });
});

describe('confirmRealPath follows symlinks on a real disk', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-paths-'));
  const root = path.join(base, 'root');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(root);
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(root, 'inside.png'), 'x');
  fs.writeFileSync(path.join(outside, 'secret.png'), 'x');
  fs.symlinkSync(path.join(outside, 'secret.png'), path.join(root, 'link.png'));
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  it('accepts a real file inside the root', () => {
    const lexical = resolveUnderRoots(path.join(root, 'inside.png'), [root]);
    expect(lexical.ok).toBe(true);
    expect(confirmRealPath(path.join(root, 'inside.png'), [root], fs.realpathSync).ok).toBe(true);
  });

  it('rejects a symlink inside the root that points outside it, though the lexical check passes', () => {
    expect(resolveUnderRoots(path.join(root, 'link.png'), [root]).ok).toBe(true);
    const decision = confirmRealPath(path.join(root, 'link.png'), [root], fs.realpathSync);
    expect(decision).toEqual({ ok: false, reason: 'a link points outside the allowed folders' });
  });

  it('rejects a file that does not exist', () => {
    expect(confirmRealPath(path.join(root, 'missing.png'), [root], fs.realpathSync)).toEqual({ ok: false, reason: 'no such file' });
  });
});
