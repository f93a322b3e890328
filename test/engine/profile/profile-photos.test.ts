import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeProfile } from '../../../src/engine/profile/describe-profile.ts';
import { profilePhotos } from '../../../src/engine/profile/profile-photos.ts';
import { cleanScene, writeDegraded } from '../../helpers/profile-photos.ts';

let dir: string;
/** Sorted: 2 JPEGs, 3 PNGs, 2 files that are no photo at all, interleaved so the failures are not last. */
let mixed: string[];

/** A JPEG that stops in its header, and bytes that are no image, named like photos. */
function writeUnreadable(name: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, name.endsWith('.jpg') ? Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46]) : 'not a picture');
  return file;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(tmpdir(), 'srs-profile-photos-'));
  const scene = (seed: number) => cleanScene(160, 120, seed);
  mixed = [
    writeUnreadable('a-broken.jpg'),
    await writeDegraded(dir, 'b-camera.jpg', await scene(1), { quality: 90, chroma: '4:2:0', noise: 2, seed: 1 }),
    await writeDegraded(dir, 'c-scan.png', await scene(2), { noise: 2, seed: 2 }),
    await writeDegraded(dir, 'd-camera.jpg', await scene(3), { quality: 90, chroma: '4:2:0', noise: 2, seed: 3 }),
    writeUnreadable('e-broken.png'),
    await writeDegraded(dir, 'f-scan.png', await scene(4), { noise: 2, seed: 4 }),
    await writeDegraded(dir, 'g-scan.png', await scene(5), { noise: 2, seed: 5 }),
  ];
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('profilePhotos and its summary on a mixed folder', () => {
  it('counts only the photos it could read, and says how many are JPEGs and how many lossless', async () => {
    const profile = await profilePhotos(mixed, [], 'the folder');

    expect(profile.photos).toMatchObject({ found: 7, read: 7, profiled: 5 });
    expect(profile.photos.skipped.map((s) => path.basename(s.path))).toEqual(['a-broken.jpg', 'e-broken.png']);
    const summary = describeProfile(profile);
    expect(summary).toMatch(
      /^Of your 5 photos, 3 are lossless and 2 are JPEGs\. The JPEGs: quality about 90 \(standard tables\), 4:2:0 chroma/,
    );
    expect(summary).toMatch(/\. All of them: .*\(160×120\)\.$/);
  });

  it('names the first file that failed when none could be read', async () => {
    const broken = [mixed[0], mixed[4]];
    await expect(profilePhotos(broken, [], 'the folder')).rejects.toMatchObject({
      code: 'NO_IMAGES',
      message: expect.stringContaining(`(first: ${mixed[0]}: `),
    });
  });

  it('describes a set of only JPEGs or only lossless photos as before, without the failed files', async () => {
    const jpegs = await profilePhotos([mixed[0], mixed[1], mixed[3]], [], 'the folder');
    expect(describeProfile(jpegs)).toMatch(/^Your 2 photos look like JPEGs from a camera or phone: quality about 90/);
    const pngs = await profilePhotos([mixed[2]], [], 'the folder');
    expect(describeProfile(pngs)).toMatch(/^Your photo is lossless \(not a JPEG\): /);
  });

  it('names iPhone photos (HEIC) as lossy but not JPEG, whose compression it does not measure', async () => {
    const heic = path.join(dir, 'IMG_0001.HEIC');
    fs.copyFileSync(path.resolve(import.meta.dirname, '../../fixtures/heic/photo.heic'), heic);

    const alone = describeProfile(await profilePhotos([heic], [], 'the folder'));
    expect(alone).toMatch(/^Your photo is HEIC \(lossy, not JPEG: HEIC compression is not measured, and the recipe adds none\): /);
    const mix = describeProfile(await profilePhotos([mixed[1], mixed[2], mixed[3], heic], [], 'the folder'));
    expect(mix).toMatch(/^Of your 4 photos, 2 are JPEGs, 1 is HEIC and 1 is lossless\. The JPEGs: quality about 90 /);
    expect(mix).toContain('(HEIC compression is not measured, and the recipe adds none.) All of them: ');
  });

  it('says how many were judged when only a sample was read', async () => {
    const sampled = await profilePhotos(mixed.slice(1), [], 'the folder', { sample: 3 });
    expect(sampled.photos).toMatchObject({ found: 6, read: 3 });
    expect(describeProfile(sampled)).toMatch(/^(Of your|Your) photos \(judged from \d of the 6 found\)/);
  });
});
