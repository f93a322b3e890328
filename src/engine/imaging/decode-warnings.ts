import { withDecodeLock } from './decode-lock.ts';
import { messageOf } from './sharp-errors.ts';

/**
 * Decoding runs with sharp's failOn 'warning', so every libjpeg warning ends the decode. Most of those warnings mean
 * the pixels are fine (camera and editor quirks: stray bytes between segments, an odd JFIF version, a bad ICC
 * marker), but a few mean part of the image is missing and was painted flat grey: libjpeg only warns, then fills
 * the rest with grey and carries on. This tells the two apart from libjpeg's message texts (jerror.h), which are
 * stable: sharp gives us nothing but the text.
 */

/** libjpeg's warnings that mean scan data is missing or undecodable, so the decoded pixels are partly invented. */
const DAMAGE_PHRASES = [
  'premature end of data segment', // JWRN_HIT_MARKER: a marker (often an appended EOI) cut the scan data short
  'premature end of jpeg file', // JWRN_JPEG_EOF: the file ends inside the scan data
  'premature end of jpeg image', // libvips' own error for a file cut off (no EOI): damage too, no retry needed
  'bad huffman code', // JWRN_HUFF_BAD_CODE: overwritten scan data
  'bad arithmetic code', // JWRN_ARITH_BAD_CODE: the same for arithmetic coding
  'instead of rst', // JWRN_MUST_RESYNC: restart markers out of order, so whole rows are lost
];

/**
 * True when a failure of the strict decode names damage to the image data. False for anything else: a benign
 * warning (decode again leniently) or a real error, which the lenient decode raises again on its own.
 */
export function isDataDamage(message: string): boolean {
  const lower = message.toLowerCase();
  return DAMAGE_PHRASES.some((phrase) => lower.includes(phrase));
}

/*
 * libvips keeps warnings and errors in process-wide queues, and sharp hands every queued warning to whichever operation
 * finishes next. Side by side, one decode's warning can turn up in another's failure (a harmless file refused with its
 * neighbour's damage) or in none (sharp's bare "Warning treated as error"): with 48 damaged and 48 harmless JPEGs
 * decoded at once, both happened. So decodes, header reads (header.ts) and thumbnails, every operation that reads a
 * user's JPEG and may warn, run one at a time in the whole process (a pipelined batch decodes one file at a time anyway,
 * beside encodes, which do not warn), and a strict decode whose warning text was taken by a finishing encode is tried
 * again: libjpeg says the same warning again. The whole process means worker threads too (the training prefetch worker
 * decodes beside a batch): within a thread a promise chain keeps the order, and each turn also takes a lock in shared
 * memory that every thread has (decode-lock.ts). With header reads left out, a damaged JPEG's decode now and then took
 * a quirky JPEG's harmless header warning instead of its own, and passed as fine: from another thread (5 runs in 15 of
 * decode-threads.test.ts), and from the same one, where a pipelined batch reads the next files' headers while it
 * decodes (4 runs in 4 of header-reads-beside-decodes.test.ts).
 */

let lastDecode: Promise<unknown> = Promise.resolve();

/** Runs `decode` once every decode started before it in this thread, and any running in another thread, has finished. */
export function oneDecodeAtATime<T>(decode: () => Promise<T>): Promise<T> {
  const turn = () => withDecodeLock(decode);
  const run = lastDecode.then(turn, turn);
  lastDecode = run.catch(() => undefined);
  return run;
}

/** sharp's whole message when a failOn 'warning' stop found no warning text left to report. */
export function isTextlessWarning(message: string): boolean {
  return message.trim() === 'Warning treated as error due to failOn setting';
}

const TEXTLESS_TRIES = 8;

/** `strict`, tried again (up to 8 times, a little later each time) while its failure comes back without its warning. */
export async function untilWarningText<T>(strict: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await strict();
    } catch (error) {
      if (!isTextlessWarning(messageOf(error)) || attempt === TEXTLESS_TRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, attempt * 5));
    }
  }
}
