import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readHeader } from '../../../src/engine/imaging/header.ts';
import { probePhoto } from '../../../src/engine/imaging/probe.ts';
import { useBadFiles } from '../../helpers/bad-files-fixture.ts';
import { decodeOutcomes, type LabelledBytes } from '../../helpers/decode-lock-turns.ts';

// A pipelined batch reads the next files' headers (to budget their pixels) while it decodes, and the app reads headers
// for data sets and previews beside a batch. Reading a quirky JPEG's header queues libjpeg's harmless warning in
// libvips' process-wide queue; a damaged JPEG's decode that finished then could take that text for its own and pass as
// fine, half grey. Header reads take their turn among decodes (imaging/header.ts), so every damaged one is refused.

const fixture = useBadFiles('srs-header-reads-');

describe('header reads of quirky JPEGs beside decodes of damaged ones, in one thread', () => {
  it('every damaged JPEG is still refused as damaged, and every header is read', async () => {
    const damaged = readFileSync(fixture.files.halfJpegWithEoi);
    const quirky = readFileSync(fixture.files.strayBytesJpeg);
    const decodes: LabelledBytes[] = Array.from({ length: 32 }, (_, i) => ({ label: `damaged #${i}`, bytes: damaged }));
    let decoding = true;
    let read = 0;
    // Four readers, each reading headers one after another for as long as the decodes go on.
    const reader = async (n: number) => {
      for (let i = 0; decoding; i++) {
        const header = await (i % 2 === 0 ? probePhoto(fixture.files.strayBytesJpeg) : readHeader(quirky, `quirky ${n}.${i}`));
        if (header.width > 0) read += 1;
      }
    };
    const readers = [0, 1, 2, 3].map(reader);
    const outcomes = await decodeOutcomes(decodes).finally(() => {
      decoding = false;
    });
    await Promise.all(readers);
    expect(outcomes).toEqual(decodes.map(({ label }) => `${label}: CORRUPT_IMAGE`));
    expect(read).toBeGreaterThanOrEqual(4);
  });
});
