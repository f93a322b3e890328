/**
 * The source's XMP packet as the encoder writes it back. Only text edits, not an XML parser: a packet is rewritten
 * where a value must change and is otherwise kept byte for byte, so nothing the source's software put there is lost
 * or reformatted.
 */

const TIFF_NAMESPACE = 'http://ns.adobe.com/tiff/1.0/';
const EXIF_NAMESPACE = 'http://ns.adobe.com/exif/1.0/';

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
 * The packet with every tiff:Orientation set to `value`. The pixels we write are already upright and the EXIF
 * orientation is reset to 1; a stale XMP one would make software that reads XMP rotate them again.
 */
export function withXmpOrientation(xmp: string, value: number): string {
  return withXmpIntegers(xmp, TIFF_NAMESPACE, { Orientation: value });
}

/**
 * The packet with exif:PixelXDimension and exif:PixelYDimension (where it has them) set to the size the image is
 * written at, as the EXIF block's are: the source's would be the size before upscaling (and before turning).
 */
export function withXmpDimensions(xmp: string, width: number, height: number): string {
  return withXmpIntegers(xmp, EXIF_NAMESPACE, { PixelXDimension: width, PixelYDimension: height });
}

/**
 * The packet with the given integer properties of a namespace set, in both forms RDF allows for a simple property: an
 * attribute (`tiff:Orientation="6"`) and an element (`<tiff:Orientation>6</tiff:Orientation>`), under whatever prefix
 * the packet binds the namespace to. Properties the packet does not have are not added.
 */
function withXmpIntegers(xmp: string, namespace: string, values: Record<string, number>): string {
  let out = xmp;
  for (const prefix of prefixesOf(xmp, namespace)) {
    for (const [property, value] of Object.entries(values)) {
      const name = `${escapeRegExp(prefix)}:${property}`;
      // Whitespace before the attribute, so "xtiff:Orientation" is not taken for it.
      const attribute = new RegExp(`(\\s${name}\\s*=\\s*)(["'])\\s*\\d+\\s*\\2`, 'g');
      // The name ends at ">" or whitespace, so "tiff:OrientationX" is not taken for it.
      const element = new RegExp(`(<${name}(?:\\s[^>]*)?>)\\s*\\d+\\s*(</${name}\\s*>)`, 'g');
      out = out
        .replace(attribute, (_all, start: string, quote: string) => `${start}${quote}${value}${quote}`)
        .replace(element, (_all, open: string, close: string) => `${open}${value}${close}`);
    }
  }
  return out;
}

/** The prefixes the packet binds to `namespace`; none when it has no properties of that namespace. */
function prefixesOf(xmp: string, namespace: string): Set<string> {
  const prefixes = new Set<string>();
  for (const match of xmp.matchAll(/xmlns:([A-Za-z_][\w.-]*)\s*=\s*(["'])([^"']*)\2/g)) {
    if (match[3] === namespace) prefixes.add(match[1]);
  }
  return prefixes;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}
