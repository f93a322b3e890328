import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverInputs } from '../../../src/engine/jobs/discover-inputs.ts';
import { makeJobsTempDir, touchFile } from '../../helpers/jobs-fs.ts';

let tmp: { dir: string; cleanup(): void };
beforeEach(() => {
  tmp = makeJobsTempDir();
});
afterEach(() => tmp.cleanup());

const rel = (p: string) => path.relative(tmp.dir, p).split(path.sep).join('/');

describe('discoverInputs', () => {
  it('takes the images at the top of a folder and reports everything else with its reason', () => {
    const root = path.join(tmp.dir, 'photos');
    touchFile(path.join(root, 'b.jpg'));
    touchFile(path.join(root, 'a.PNG'));
    touchFile(path.join(root, '.hidden.jpg'));
    touchFile(path.join(root, 'notes.txt'));
    touchFile(path.join(root, 'README'));
    touchFile(path.join(root, '.a.png.0123abcd.srs-tmp'));
    touchFile(path.join(root, 'sub', 'c.jpg'));

    const found = discoverInputs([root], { recursive: false });

    expect(found.files.map((f) => rel(f.input))).toEqual(['photos/a.PNG', 'photos/b.jpg']);
    expect(found.files.every((f) => f.relativeDir === '')).toBe(true);
    const reasons = Object.fromEntries(found.skipped.map((s) => [rel(s.input), s.reason]));
    expect(reasons['photos/.hidden.jpg']).toBe('hidden file');
    expect(reasons['photos/notes.txt']).toMatch(/not an image \(\.txt/);
    expect(reasons['photos/README']).toMatch(/no file extension/);
    expect(reasons['photos/.a.png.0123abcd.srs-tmp']).toMatch(/temporary file/);
    expect(reasons['photos/sub']).toMatch(/--recursive/);
    expect(found.failed).toEqual([]);
  });

  it('takes iPhone HEIC photos, and says what to do with those it cannot read: camera RAW, BMP and the like', () => {
    const root = path.join(tmp.dir, 'phone');
    for (const name of ['IMG_0001.HEIC', 'IMG_0002.heif', 'DSC_0003.NEF', 'IMG_0004.CR3', 'P0005.dng', 'scan.bmp', 'edit.PSD', 'new.jxl'])
      touchFile(path.join(root, name));

    const found = discoverInputs([root], { recursive: false });

    expect(found.files.map((f) => rel(f.input))).toEqual(['phone/IMG_0001.HEIC', 'phone/IMG_0002.heif']);
    const reasons = Object.fromEntries(found.skipped.map((s) => [rel(s.input), s.reason]));
    for (const raw of ['phone/DSC_0003.NEF', 'phone/IMG_0004.CR3', 'phone/P0005.dng']) {
      expect(reasons[raw]).toBe('a camera RAW file: develop it to JPEG, PNG or TIFF first, in your raw developer');
    }
    expect(reasons['phone/scan.bmp']).toBe('a BMP image, which this build cannot decode: save it as PNG (or TIFF, JPEG) first');
    expect(reasons['phone/edit.PSD']).toBe('a Photoshop image, which this build cannot decode: save it as PNG (or TIFF, JPEG) first');
    expect(reasons['phone/new.jxl']).toMatch(/^a JPEG XL image, which this build cannot decode/);
  });

  it('with --recursive mirrors sub-folders and skips hidden folders and the output folder inside the input', () => {
    const root = path.join(tmp.dir, 'in');
    touchFile(path.join(root, 'top.jpg'));
    touchFile(path.join(root, 'trip', 'day1', 'x.jpg'));
    touchFile(path.join(root, '.cache', 'y.jpg'));
    touchFile(path.join(root, 'out', 'old_x2.jpg'));

    const found = discoverInputs([root], { recursive: true, excludeDir: path.join(root, 'out') });

    expect(found.files.map((f) => [rel(f.input), f.relativeDir])).toEqual([
      ['in/top.jpg', ''],
      ['in/trip/day1/x.jpg', 'trip/day1'],
    ]);
    expect(found.skipped.map((s) => [rel(s.input), s.reason])).toEqual(
      expect.arrayContaining([
        ['in/.cache', 'hidden folder'],
        ['in/out', 'this is the output folder'],
      ]),
    );
  });

  it('sorts by path whatever the argument order, takes an explicit file once, and fails missing inputs without stopping', () => {
    const a = touchFile(path.join(tmp.dir, 'a', 'p.jpg'));
    const b = touchFile(path.join(tmp.dir, 'b', 'p.jpg'));
    const missing = path.join(tmp.dir, 'nope.jpg');

    const found = discoverInputs([path.join(tmp.dir, 'b'), missing, a, path.join(tmp.dir, 'a')], { recursive: false });

    expect(found.files.map((f) => f.input)).toEqual([a, b]);
    expect(found.skipped).toEqual([{ input: a, reason: 'already included (listed twice)' }]);
    expect(found.failed).toHaveLength(1);
    expect(found.failed[0].input).toBe(missing);
    expect(found.failed[0].error.code).toBe('NOT_FOUND');
  });

  it('takes a hidden file named explicitly, but still refuses a non-image named explicitly', () => {
    const hidden = touchFile(path.join(tmp.dir, '.secret.png'));
    const text = touchFile(path.join(tmp.dir, 'x.txt'));
    const found = discoverInputs([hidden, text], { recursive: false });
    expect(found.files.map((f) => f.input)).toEqual([hidden]);
    expect(found.skipped.map((s) => s.input)).toEqual([text]);
  });

  it('prefers the real file to a link met first that leads to it, in a walk and among explicit files', () => {
    const root = path.join(tmp.dir, 'in');
    const normal = touchFile(path.join(root, 'normal.jpg'));
    const link = path.join(root, 'a', 'link.jpg');
    fs.mkdirSync(path.dirname(link));
    fs.symlinkSync(path.join('..', 'normal.jpg'), link);
    const skippedLink = [{ input: link, reason: `reached through a link to ${normal}, which is included itself` }];

    const walked = discoverInputs([root], { recursive: true });
    expect(walked.files).toEqual([{ input: normal, relativeDir: '' }]);
    expect(walked.skipped).toEqual(skippedLink);

    const listed = discoverInputs([link, normal], { recursive: false });
    expect(listed.files).toEqual([{ input: normal, relativeDir: '' }]);
    expect(listed.skipped).toEqual(skippedLink);
  });

  it('prefers the real folder to a linked folder met first, in a walk and among explicit files', () => {
    const root = path.join(tmp.dir, 'in');
    const photo = touchFile(path.join(root, 'z-real', 'p.jpg'));
    fs.symlinkSync('z-real', path.join(root, 'a-link'));
    const viaLink = path.join(root, 'a-link', 'p.jpg');

    const walked = discoverInputs([root], { recursive: true });
    expect(walked.files).toEqual([{ input: photo, relativeDir: 'z-real' }]);
    expect(walked.skipped).toEqual([
      { input: path.join(root, 'a-link'), reason: 'folder already included (listed twice, or a link loop)' },
    ]);

    const listed = discoverInputs([viaLink, photo], { recursive: false });
    expect(listed.files).toEqual([{ input: photo, relativeDir: '' }]);
    expect(listed.skipped).toEqual([{ input: viaLink, reason: `reached through a link to ${photo}, which is included itself` }]);
  });

  it('survives a folder link loop', () => {
    const root = path.join(tmp.dir, 'loop');
    touchFile(path.join(root, 'a.jpg'));
    fs.symlinkSync(root, path.join(root, 'again'));
    const found = discoverInputs([root], { recursive: true });
    expect(found.files.map((f) => rel(f.input))).toEqual(['loop/a.jpg']);
    expect(found.skipped.map((s) => s.reason)).toContain('folder already included (listed twice, or a link loop)');
  });
});
