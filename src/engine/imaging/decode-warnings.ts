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
