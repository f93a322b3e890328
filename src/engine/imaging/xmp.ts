/**
 * The source's XMP packet as the encoder writes it back. Only text edits, not an XML parser: a packet is rewritten
 * where a value must change and is otherwise kept byte for byte, so nothing the source's software put there is lost
 * or reformatted.
 */

const TIFF_NAMESPACE = 'http://ns.adobe.com/tiff/1.0/';

/** XMP is UTF-8 by spec; a block that is not is dropped rather than written garbled. */
export function xmpText(xmp: Uint8Array | undefined): string | undefined {
  if (!xmp || xmp.length === 0) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(xmp);
  } catch {
    return undefined;
  }
}

/**
 * The packet with every tiff:Orientation set to `value`, in both forms RDF allows for a simple property: an attribute
 * (`tiff:Orientation="6"`) and an element (`<tiff:Orientation>6</tiff:Orientation>`). The pixels we write are already
 * upright and the EXIF orientation is reset to 1; a stale XMP one would make software that reads XMP rotate them again.
 * The namespace is matched under whatever prefix the packet binds it to ("tiff" by convention).
 */
export function withXmpOrientation(xmp: string, value: number): string {
  let out = xmp;
  for (const prefix of tiffPrefixes(xmp)) {
    const name = `${escapeRegExp(prefix)}:Orientation`;
    // Whitespace before the attribute, so "xtiff:Orientation" is not taken for it.
    const attribute = new RegExp(`(\\s${name}\\s*=\\s*)(["'])\\s*\\d+\\s*\\2`, 'g');
    // The name ends at ">" or whitespace, so "tiff:OrientationX" is not taken for it.
    const element = new RegExp(`(<${name}(?:\\s[^>]*)?>)\\s*\\d+\\s*(</${name}\\s*>)`, 'g');
    out = out
      .replace(attribute, (_all, start: string, quote: string) => `${start}${quote}${value}${quote}`)
      .replace(element, (_all, open: string, close: string) => `${open}${value}${close}`);
  }
  return out;
}

/** The prefixes the packet binds to the TIFF namespace; none when it has no TIFF properties. */
function tiffPrefixes(xmp: string): Set<string> {
  const prefixes = new Set<string>();
  for (const match of xmp.matchAll(/xmlns:([A-Za-z_][\w.-]*)\s*=\s*(["'])([^"']*)\2/g)) {
    if (match[3] === TIFF_NAMESPACE) prefixes.add(match[1]);
  }
  return prefixes;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}
