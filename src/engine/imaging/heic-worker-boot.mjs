// @ts-check
// The HEIC decoder's thread: libheif (WebAssembly) decodes a photo synchronously, 0.6–1 s for 12 MP, so on the engine's
// main thread nothing else could happen meanwhile (no progress event, no cancel, no other request). Here it runs beside
// it. Messages: heic-worker-protocol.ts. Handled one at a time, in order. A decoder that failed itself (libheif did not
// load, its WebAssembly aborted) says so and exits, so that heic.ts starts a fresh one for the next photo.
//
// Plain JavaScript on purpose, as session-worker-boot.mjs: a worker thread does not inherit the parent's TypeScript
// loader. tsc still checks it, through the JSDoc types below (tsconfig.node.json). electron-vite builds it under this
// same name beside the engine host; scripts/build-cli.mjs copies it.
import { parentPort } from 'node:worker_threads';

if (!parentPort) throw new Error('heic-worker-boot.mjs must run in a worker thread');
const port = parentPort;

/** @typedef {import('libheif-js/libheif-wasm/libheif-bundle.js').LibHeif} LibHeif */
/** @typedef {import('./heic-worker-protocol.ts').ToHeicWorker} ToHeicWorker */
/** @typedef {import('./heic-worker-protocol.ts').FromHeicWorker} FromHeicWorker */
/** @typedef {{ width: number; height: number; channels: 3 | 4; data: Uint8Array } | { damaged: string }} Decoded */

/** @type {Promise<LibHeif> | undefined} */
let loaded;
function libheif() {
  // libheif's own console output is dropped, so that it cannot mix into a `--json` document on stdout.
  loaded ??= import('libheif-js/libheif-wasm/libheif-bundle.js').then((module) => module.default({ print: () => {}, printErr: () => {} }));
  return loaded;
}

/**
 * The primary image as RGB, or RGBA when some pixel is not opaque; `damaged` says why the file does not decode.
 * @param {Uint8Array} bytes
 * @returns {Promise<Decoded>}
 */
async function decode(bytes) {
  const heif = await libheif();
  const context = heif.heif_context_alloc();
  try {
    const read = heif.heif_context_read_from_memory(context, bytes);
    if (read.code.value !== 0) return { damaged: read.message };
    const handle = heif.heif_js_context_get_primary_image_handle(context);
    if ('code' in handle) return { damaged: handle.message };
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
        if (!plane || plane.width !== width || plane.height !== height) return { damaged: 'its image data does not decode' };
        return fromRgba(plane, width, height);
      } finally {
        // The pixels live in libheif's memory until released (fromRgba has copied them). Kept, a 12 MP photo's 48 MB
        // stayed for good, and after about 45 such photos libheif had no memory left: every later HEIC failed to decode.
        if (decoded.image !== undefined) heif.heif_image_release(decoded.image);
      }
    } finally {
      heif.heif_image_handle_release(handle);
    }
  } finally {
    heif.heif_context_free(context);
  }
}

/**
 * libheif's RGBA rows (each `stride` bytes) as RGB, or RGBA when some pixel is not opaque.
 * @param {{ stride: number; data: Uint8Array }} plane
 * @param {number} width
 * @param {number} height
 * @returns {Decoded}
 */
function fromRgba(plane, width, height) {
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

/** @param {FromHeicWorker} answer @param {ArrayBuffer[]} [moved] buffers handed over, not copied */
function answer(answer, moved = []) {
  port.postMessage(answer, moved);
}

/** @type {Promise<void>} */
let line = Promise.resolve();
port.on('message', (/** @type {ToHeicWorker} */ message) => {
  line = line.then(async () => {
    try {
      if ('memory' in message) {
        answer({ id: message.id, memory: loaded ? (await loaded).HEAPU8.length : 0 });
        return;
      }
      const result = await decode(message.bytes);
      if ('damaged' in result) answer({ id: message.id, ...result });
      else answer({ id: message.id, ...result }, [/** @type {ArrayBuffer} */ (result.data.buffer)]);
    } catch (error) {
      answer({ id: message.id, broken: error instanceof Error ? error.message : String(error) });
      process.exit(1);
    }
  });
});
