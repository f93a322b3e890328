import { SrError } from '../errors.ts';
import type { RgbImage } from './image.ts';

/**
 * HEIC photos (iPhones save them by default): HEVC-coded images in a HEIF container. The bundled libvips reads their
 * header and metadata but has no HEVC decoder (AVIF, the AV1 kind, it decodes itself), so their pixels come from
 * libheif built for WebAssembly (libheif-js, LGPL-3.0; loaded only when a HEIC file is met: it is 3 MB of
 * JavaScript). The primary image is decoded to RGB by libheif, which applies the file's own rotation and mirroring
 * (irot, imir) as it goes: that is what a HEIF photo's orientation means, so its EXIF orientation tag is not applied
 * again. Pixels come out in 8 bits, also from a 10-bit HEIC. libheif's own console output is dropped, so that it cannot
 * mix into a `--json` document on stdout.
 */

type LibHeif = import('libheif-js/libheif-wasm/libheif-bundle.js').LibHeif;

let loaded: Promise<LibHeif> | undefined;

function libheif(): Promise<LibHeif> {
  loaded ??= import('libheif-js/libheif-wasm/libheif-bundle.js').then((module) => module.default({ print: () => {}, printErr: () => {} }));
  return loaded;
}

/** How much memory libheif holds now: its WebAssembly memory, which only grows (0 before the first HEIC). */
export async function libheifMemoryBytes(): Promise<number> {
  return loaded ? (await loaded).HEAPU8.length : 0;
}

/** Whether sharp's header describes a HEIF image it cannot decode itself (HEVC-coded: a HEIC photo). */
export function isHevcHeif(header: { format?: string; compression?: string }): boolean {
  return header.format === 'heif' && header.compression === 'hevc';
}

function damaged(label: string, why: string, cause?: unknown): SrError {
  return new SrError(
    'CORRUPT_IMAGE',
    `${label} is a HEIC photo that cannot be decoded: it is damaged or incomplete (${why})`,
    'Re-export or re-download the file; if it opens elsewhere, export it as JPEG.',
    label,
    cause === undefined ? undefined : { cause },
  );
}

/** A HEIC photo's primary image as 8-bit RGB, or RGBA when it has visible transparency. */
export async function decodeHeic(bytes: Uint8Array, label: string): Promise<RgbImage> {
  const heif = await libheif();
  const context = heif.heif_context_alloc();
  try {
    const read = heif.heif_context_read_from_memory(context, bytes);
    if (read.code.value !== 0) throw damaged(label, read.message);
    const handle = heif.heif_js_context_get_primary_image_handle(context);
    if ('code' in handle) throw damaged(label, handle.message);
    try {
      const width = heif.heif_image_handle_get_width(handle);
      const height = heif.heif_image_handle_get_height(handle);
      const decoded = await heif.heif_js_decode_image2(
        handle,
        heif.heif_colorspace.heif_colorspace_RGB,
        heif.heif_chroma.heif_chroma_interleaved_RGBA,
      );
      try {
        const plane =
          decoded.code === undefined ? decoded.channels?.find((c) => c.id === heif.heif_channel.heif_channel_interleaved) : undefined;
        if (!plane || plane.width !== width || plane.height !== height) throw damaged(label, 'its image data does not decode');
        return fromRgba(plane, width, height);
      } finally {
        // The pixels live in libheif's memory until released (fromRgba has copied them). Kept, a 12 MP photo's 48 MB
        // stayed for good, and after about 45 such photos libheif had no memory left: every later HEIC failed to decode.
        if (decoded.image !== undefined) heif.heif_image_release(decoded.image);
      }
    } finally {
      heif.heif_image_handle_release(handle);
    }
  } catch (error) {
    if (error instanceof SrError) throw error;
    throw damaged(label, (error as Error).message, error);
  } finally {
    heif.heif_context_free(context);
  }
}

/** libheif's RGBA rows (each `stride` bytes) as RGB, or RGBA when some pixel is not opaque. */
function fromRgba(plane: { stride: number; data: Uint8Array }, width: number, height: number): RgbImage {
  let opaque = true;
  for (let y = 0; opaque && y < height; y++) {
    for (let x = 0, p = y * plane.stride + 3; x < width; x++, p += 4) {
      if (plane.data[p] !== 255) {
        opaque = false;
        break;
      }
    }
  }
  const channels = opaque ? 3 : 4;
  const data = new Uint8Array(width * height * channels);
  for (let y = 0, q = 0; y < height; y++) {
    for (let x = 0, p = y * plane.stride; x < width; x++, p += 4, q += channels) {
      data[q] = plane.data[p];
      data[q + 1] = plane.data[p + 1];
      data[q + 2] = plane.data[p + 2];
      if (channels === 4) data[q + 3] = plane.data[p + 3];
    }
  }
  return { width, height, channels, data };
}
