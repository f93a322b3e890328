import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSrError, type SrError } from '../../../src/engine/errors.ts';
import { profilePhoto } from '../../../src/engine/profile/photo-profile.ts';
import { type BrokenFile, type UnusualFile, writeBadFiles } from '../../helpers/imaging-bad-files.ts';

let dir: string;
let files: Record<BrokenFile | UnusualFile, string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'srs-photo-profile-'));
  files = await writeBadFiles(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function caught(promise: Promise<unknown>): Promise<SrError> {
  try {
    await promise;
  } catch (error) {
    if (!isSrError(error)) throw error;
    return error;
  }
  throw new Error('expected an SrError');
}

describe('profilePhoto on files it cannot measure', () => {
  // A half-grey decode would be measured as a clean, soft photo and skew a dataset's profile.
  for (const name of ['halfJpegWithEoi', 'overwrittenJpeg'] as const) {
    it(`${name} is CORRUPT_IMAGE instead of a measured photo`, async () => {
      const error = await caught(profilePhoto(files[name]));
      expect(error.code).toBe('CORRUPT_IMAGE');
      expect(error.message).toContain(files[name]);
    });
  }

  it('a 0-byte file is EMPTY_FILE, not "not an image"', async () => {
    const error = await caught(profilePhoto(files.empty));
    expect(error.code).toBe('EMPTY_FILE');
    expect(error.message).toBe(`${files.empty} is empty (0 bytes)`);
  });

  it('a cut-off TIFF is CORRUPT_IMAGE naming its format', async () => {
    const error = await caught(profilePhoto(files.truncatedTiff));
    expect(error.code).toBe('CORRUPT_IMAGE');
    expect(error.message).toContain(`${files.truncatedTiff} starts like a TIFF file`);
  });
});
