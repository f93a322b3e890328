import { describe, expect, it } from 'vitest';
import { profilePhoto } from '../../../src/engine/profile/photo-profile.ts';
import { useBadFiles } from '../../helpers/bad-files-fixture.ts';
import { caughtSrError } from '../../helpers/sr-error-caught.ts';

const fixture = useBadFiles('srs-photo-profile-');

describe('profilePhoto on files it cannot measure', () => {
  // A half-grey decode would be measured as a clean, soft photo and skew a dataset's profile.
  for (const name of ['halfJpegWithEoi', 'overwrittenJpeg'] as const) {
    it(`${name} is CORRUPT_IMAGE instead of a measured photo`, async () => {
      const error = await caughtSrError(profilePhoto(fixture.files[name]));
      expect(error.code).toBe('CORRUPT_IMAGE');
      expect(error.message).toContain(fixture.files[name]);
    });
  }

  it('a 0-byte file is EMPTY_FILE, not "not an image"', async () => {
    const error = await caughtSrError(profilePhoto(fixture.files.empty));
    expect(error.code).toBe('EMPTY_FILE');
    expect(error.message).toBe(`${fixture.files.empty} is empty (0 bytes)`);
  });

  it('a cut-off TIFF is CORRUPT_IMAGE naming its format', async () => {
    const error = await caughtSrError(profilePhoto(fixture.files.truncatedTiff));
    expect(error.code).toBe('CORRUPT_IMAGE');
    expect(error.message).toContain(`${fixture.files.truncatedTiff} starts like a TIFF file`);
  });
});
