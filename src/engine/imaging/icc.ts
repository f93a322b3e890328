/**
 * Reads the human-readable description ("Display P3", "sRGB IEC61966-2.1") from an ICC profile,
 * for display in the UI. Handles the v2 'desc' and v4 'mluc' tag types; returns undefined for anything else.
 */
const DESC_SIGNATURE = 0x64657363; // 'desc'

export function readIccDescription(icc: Uint8Array): string | undefined {
  if (icc.length < 132) return undefined;
  const view = new DataView(icc.buffer, icc.byteOffset, icc.byteLength);
  const tagCount = view.getUint32(128);
  for (let i = 0; i < tagCount; i++) {
    const at = 132 + i * 12;
    if (at + 12 > icc.length) return undefined;
    if (view.getUint32(at) !== DESC_SIGNATURE) continue;
    const offset = view.getUint32(at + 4);
    const size = view.getUint32(at + 8);
    if (offset + size > icc.length || size < 12) return undefined;
    return decodeTextTag(icc.subarray(offset, offset + size));
  }
  return undefined;
}

function decodeTextTag(tag: Uint8Array): string | undefined {
  const view = new DataView(tag.buffer, tag.byteOffset, tag.byteLength);
  const type = String.fromCharCode(...tag.subarray(0, 4));
  if (type === 'desc') {
    const length = view.getUint32(8);
    if (12 + length > tag.length) return undefined;
    return clean(new TextDecoder('latin1').decode(tag.subarray(12, 12 + length)));
  }
  if (type === 'mluc' && tag.length >= 28) {
    // First record is enough: profiles put their primary (usually English) name first.
    const length = view.getUint32(20);
    const offset = view.getUint32(24);
    if (offset + length > tag.length) return undefined;
    return clean(new TextDecoder('utf-16be').decode(tag.subarray(offset, offset + length)));
  }
  return undefined;
}

function clean(text: string): string | undefined {
  const trimmed = text.replace(/\0+$/, '').trim();
  return trimmed.length > 0 ? trimmed : undefined;
}

/**
 * Whether an ICC profile describes grey pixels: its header's data colour space (bytes 16..19) is 'GRAY'. Such a
 * profile fits only a file that stores grey (see encode.ts for the formats that store colour only).
 */
export function isGreyProfile(icc: Uint8Array): boolean {
  return icc.length >= 128 && String.fromCharCode(icc[16], icc[17], icc[18], icc[19]) === 'GRAY';
}
