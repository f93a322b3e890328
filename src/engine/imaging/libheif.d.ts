/**
 * The part of libheif's Emscripten API (libheif-js, whose own typings leave these results untyped) that the HEIC
 * decoder thread (heic-worker-boot.mjs, type-checked through its JSDoc) uses.
 * Enum values are Embind objects: compare them with the module's own (`heif_channel.heif_channel_interleaved`).
 */
declare module 'libheif-js/libheif-wasm/libheif-bundle.js' {
  type EnumValue = { readonly value: number };
  interface HeifError {
    code: EnumValue;
    message: string;
  }
  interface DecodedChannel {
    id: EnumValue;
    width: number;
    height: number;
    stride: number;
    data: Uint8Array;
  }
  /**
   * `code` is present when decoding failed. Otherwise `image` is the decoded heif_image, which stays in libheif's memory
   * (the channels' `data` are views into it) until heif_image_release frees it.
   */
  interface DecodedImage {
    code?: EnumValue;
    image?: Opaque;
    channels?: DecodedChannel[];
  }
  type Opaque = { readonly __opaque: unique symbol };
  export interface LibHeif {
    /** libheif's whole WebAssembly memory, which grows as it needs and never shrinks. */
    HEAPU8: Uint8Array;
    heif_colorspace: { heif_colorspace_RGB: EnumValue };
    heif_chroma: { heif_chroma_interleaved_RGBA: EnumValue };
    heif_channel: { heif_channel_interleaved: EnumValue };
    heif_context_alloc(): Opaque;
    heif_context_free(context: Opaque): void;
    heif_context_read_from_memory(context: Opaque, bytes: Uint8Array): HeifError;
    heif_js_context_get_primary_image_handle(context: Opaque): Opaque | HeifError;
    heif_image_handle_get_width(handle: Opaque): number;
    heif_image_handle_get_height(handle: Opaque): number;
    heif_image_handle_release(handle: Opaque): void;
    heif_image_release(image: Opaque): void;
    heif_js_decode_image2(handle: Opaque, colorspace: EnumValue, chroma: EnumValue): DecodedImage | Promise<DecodedImage>;
  }
  /** Instantiates libheif (the WebAssembly is inside the bundle); `print`/`printErr` take its console output. */
  export default function createLibHeif(options?: { print?: (text: string) => void; printErr?: (text: string) => void }): LibHeif;
}
