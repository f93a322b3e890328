import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBuffer, decodePhoto } from '../../../src/engine/imaging/decode.ts';
import { probePhoto } from '../../../src/engine/imaging/probe.ts';
import { useBadFiles } from '../../helpers/bad-files-fixture.ts';
import { BROKEN_FILE_CODES, type BrokenFile, HUGE_SIZE } from '../../helpers/imaging-bad-files.ts';
import { runImagingChild } from '../../helpers/imaging-spawn.ts';
import { NOBODY, nobodySkipNote, nobodyUnavailable } from '../../helpers/nobody.ts';
import { caughtSrError } from '../../helpers/sr-error-caught.ts';

const fixture = useBadFiles('srs-decode-errors-');

describe('decodePhoto on broken files', () => {
  for (const [name, code] of Object.entries(BROKEN_FILE_CODES) as [BrokenFile, string][]) {
    it(`${name} → ${code}, naming the file and saying what to do`, async () => {
      const error = await caughtSrError(decodePhoto(fixture.files[name]));
      expect(error.code).toBe(code);
      expect(error.message).toContain(fixture.files[name]);
      expect(error.path).toBe(fixture.files[name]);
      expect(error.hint?.length ?? 0).toBeGreaterThan(10);
    });
  }

  it('TOO_LARGE names the claimed size and the limit, and is refused from the header alone', async () => {
    const error = await caughtSrError(decodePhoto(fixture.files.hugePng));
    expect(error.message).toContain(`${HUGE_SIZE}×${HUGE_SIZE}`);
    expect(error.message).toContain('268402689');
    // A hint a user can act on: the CLI option, with a value that lets this file through.
    expect(error.hint).toContain(`--max-pixels ${HUGE_SIZE * HUGE_SIZE}`);
  });

  it('with the limit raised past it, refuses a photo larger than one array of its pixels can hold, from the header', async () => {
    const claimed = HUGE_SIZE * HUGE_SIZE;
    const error = await caughtSrError(decodePhoto(fixture.files.hugePng, { maxPixels: claimed }));
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toBe(
      `${fixture.files.hugePng}, decoded, would be ${HUGE_SIZE}×${HUGE_SIZE} (${(claimed / 1e6).toFixed(1)} MP), more than one image can hold here (1431.7 MP at 3 channels)`,
    );
  });

  it('honours a custom maxPixels', async () => {
    // the 64×48 webp is fine by default but not under a 1000-pixel limit
    await expect(decodePhoto(fixture.files.webp)).resolves.toBeDefined();
    const error = await caughtSrError(decodePhoto(fixture.files.webp, { maxPixels: 1000 }));
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toContain('64×48');
    expect(error.message).toContain('1000 pixels');
  });

  it('rejects a nonsensical pixel limit instead of silently disabling the guard', async () => {
    expect((await caughtSrError(decodePhoto(fixture.files.webp, { maxPixels: 0 }))).code).toBe('BAD_ARGUMENT');
  });

  it('a folder is a BAD_ARGUMENT, not a crash', async () => {
    const error = await caughtSrError(decodePhoto(fixture.dir));
    expect(error.code).toBe('BAD_ARGUMENT');
    expect(error.message).toContain(fixture.dir);
  });

  it.skipIf(nobodyUnavailable)(`NOT_READABLE for a file the process may not read (child running as uid 65534)${nobodySkipNote}`, () => {
    const readableDir = mkdtempSync(join(tmpdir(), 'srs-unreadable-'));
    try {
      chmodSync(readableDir, 0o755);
      const secret = join(readableDir, 'secret.png');
      writeFileSync(secret, Buffer.from('not read anyway'));
      chmodSync(secret, 0o600); // owned by root: uid 65534 may see it but not open it
      for (const op of ['decode', 'probe']) {
        const outcome = runImagingChild([op, secret], { uid: NOBODY });
        expect(outcome.ok).toBe(false);
        expect(outcome.code).toBe('NOT_READABLE');
        expect(outcome.message).toContain(secret);
      }
    } finally {
      rmSync(readableDir, { recursive: true, force: true });
    }
  });
});

describe('decodeBuffer', () => {
  it('uses the label in errors', async () => {
    const empty = await caughtSrError(decodeBuffer(new Uint8Array(0), 'upload #3'));
    expect(empty.code).toBe('EMPTY_FILE');
    expect(empty.message).toContain('upload #3');
    const text = await caughtSrError(decodeBuffer(new TextEncoder().encode('hello, world'), 'upload #4'));
    expect(text.code).toBe('NOT_AN_IMAGE');
    expect(text.message).toContain('upload #4');
  });
});

describe('probePhoto on broken files', () => {
  // Header-level problems are caught by the cheap probe too; pixel damage (truncation, bad CRC) needs a decode.
  for (const name of ['missing', 'empty', 'randomBytes', 'text', 'hugePng', 'truncatedTiff'] as const) {
    it(`${name} → ${BROKEN_FILE_CODES[name]}`, async () => {
      const error = await caughtSrError(probePhoto(fixture.files[name]));
      expect(error.code).toBe(BROKEN_FILE_CODES[name]);
      expect(error.message).toContain(fixture.files[name]);
    });
  }
});
