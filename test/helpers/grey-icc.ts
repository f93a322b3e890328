/**
 * A minimal valid ICC v2 grey display profile (header, desc, wtpt, kTRC, cprt), as lcms accepts it: grey values are
 * luminance through a pure gamma curve. Gamma 1.0 (linear) is far from sRGB's curve, so a conversion that is skipped
 * shows plainly; 2.2 is "Gray Gamma 2.2". Built here so that the tests need no profile files.
 */
export function greyIccProfile(gamma: number, name = `Grey gamma ${gamma}`): Uint8Array {
  const tags: [string, Uint8Array][] = [
    ['desc', descTag(name)],
    // D50, the PCS illuminant: the profile's white maps to the PCS white.
    ['wtpt', xyzTag(0.9642, 1, 0.8249)],
    ['kTRC', gammaCurveTag(gamma)],
    ['cprt', textTag('No copyright, test profile')],
  ];
  const tableEnd = 128 + 4 + tags.length * 12;
  const offsets: number[] = [];
  let size = tableEnd;
  for (const [, data] of tags) {
    offsets.push(size);
    size += Math.ceil(data.length / 4) * 4; // tags start on 4-byte boundaries
  }
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, size);
  view.setUint32(8, 0x02100000); // version 2.1
  ascii(out, 12, 'mntr'); // display class
  ascii(out, 16, 'GRAY'); // data colour space
  ascii(out, 20, 'XYZ '); // profile connection space
  ascii(out, 36, 'acsp');
  setXyz(view, 68, 0.9642, 1, 0.8249); // PCS illuminant, D50
  view.setUint32(128, tags.length);
  tags.forEach(([signature, data], i) => {
    const entry = 132 + i * 12;
    ascii(out, entry, signature);
    view.setUint32(entry + 4, offsets[i]);
    view.setUint32(entry + 8, data.length);
    out.set(data, offsets[i]);
  });
  return out;
}

function ascii(bytes: Uint8Array, at: number, text: string): void {
  for (let i = 0; i < text.length; i++) bytes[at + i] = text.charCodeAt(i);
}

function setXyz(view: DataView, at: number, x: number, y: number, z: number): void {
  // s15Fixed16Number each.
  view.setInt32(at, Math.round(x * 65536));
  view.setInt32(at + 4, Math.round(y * 65536));
  view.setInt32(at + 8, Math.round(z * 65536));
}

/** textDescriptionType: the ASCII name, then empty Unicode and ScriptCode parts (ICC.1:2001-04, 6.5.17). */
function descTag(name: string): Uint8Array {
  const tag = new Uint8Array(12 + name.length + 1 + 8 + 3 + 67);
  ascii(tag, 0, 'desc');
  new DataView(tag.buffer).setUint32(8, name.length + 1);
  ascii(tag, 12, name);
  return tag;
}

function xyzTag(x: number, y: number, z: number): Uint8Array {
  const tag = new Uint8Array(20);
  ascii(tag, 0, 'XYZ ');
  setXyz(new DataView(tag.buffer), 8, x, y, z);
  return tag;
}

/** curveType with one entry: a pure gamma, as u8Fixed8Number. */
function gammaCurveTag(gamma: number): Uint8Array {
  const tag = new Uint8Array(14);
  ascii(tag, 0, 'curv');
  const view = new DataView(tag.buffer);
  view.setUint32(8, 1);
  view.setUint16(12, Math.round(gamma * 256));
  return tag;
}

function textTag(text: string): Uint8Array {
  const tag = new Uint8Array(8 + text.length + 1);
  ascii(tag, 0, 'text');
  ascii(tag, 8, text);
  return tag;
}
