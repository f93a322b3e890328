import sharp from 'sharp';

/**
 * The colour space a HEIC photo declares without an ICC profile. iPhones store theirs as an `nclx` colour box (ITU-T
 * H.273 code points) rather than a profile: Display P3 is colour primaries 12 with the sRGB curve. libheif decodes the
 * pixels in those primaries and libvips reports no profile, so without one the output would be read as sRGB and look
 * duller than the photo. Only the primaries are read: the curve and matrix are the decoder's business.
 */

/** ITU-T H.273 colour primaries 12: SMPTE EG 432-1, the P3 gamut with a D65 white (Display P3). */
const P3_D65 = 12;

interface Box {
  type: string;
  start: number;
  end: number;
  /** Where its children or payload begin. */
  body: number;
}

function* boxes(bytes: Uint8Array, start: number, end: number): Generator<Box> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = start; at + 8 <= end; ) {
    let size = view.getUint32(at);
    let header = 8;
    if (size === 1 && at + 16 <= end) {
      size = Number(view.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) {
      size = end - at;
    }
    if (size < header || at + size > end) return;
    const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
    yield { type, start: at, end: at + size, body: at + header };
    at += size;
  }
}

function child(bytes: Uint8Array, parent: { body: number; end: number }, type: string, fullBox = false): Box | undefined {
  for (const box of boxes(bytes, parent.body + (fullBox ? 4 : 0), parent.end)) if (box.type === type) return box;
  return undefined;
}

/** The colour primaries of the first `nclx` colour box among the file's image properties (meta/iprp/ipco). */
export function heifColourPrimaries(bytes: Uint8Array): number | undefined {
  const meta = child(bytes, { body: 0, end: bytes.length }, 'meta');
  // meta is a full box: its version and flags come before its children.
  const iprp = meta && child(bytes, meta, 'iprp', true);
  const ipco = iprp && child(bytes, iprp, 'ipco');
  if (!ipco) return undefined;
  for (const box of boxes(bytes, ipco.body, ipco.end)) {
    if (box.type !== 'colr' || box.body + 6 > box.end) continue;
    const kind = String.fromCharCode(...bytes.subarray(box.body, box.body + 4));
    if (kind === 'nclx') return (bytes[box.body + 4] << 8) | bytes[box.body + 5];
  }
  return undefined;
}

let displayP3: Promise<Uint8Array> | undefined;

/** libvips' own Display P3 profile (the one `withIccProfile('p3')` embeds), as bytes for the encoder to carry. */
function displayP3Profile(): Promise<Uint8Array> {
  displayP3 ??= sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
    .withIccProfile('p3')
    .png()
    .toBuffer()
    .then(async (png) => {
      const { icc } = await sharp(png).metadata();
      if (!icc) throw new Error('libvips gave no Display P3 profile');
      return new Uint8Array(icc);
    });
  return displayP3;
}

/** The profile a HEIC photo without one should carry: Display P3 where its nclx box says so, else none (sRGB). */
export async function heifImpliedProfile(bytes: Uint8Array): Promise<Uint8Array | undefined> {
  return heifColourPrimaries(bytes) === P3_D65 ? displayP3Profile() : undefined;
}
