import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';

/**
 * Three builds: main (+ the engine host, forked as a utility process, and its worker threads), the sandboxed preload
 * (CommonJS, one self-contained file: sandboxed preloads cannot load ESM or node_modules), and the Svelte renderer.
 */
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          'engine-host': resolve('src/engine-host/entry.ts'),
          // The engine's worker threads. The source starts them from `new URL('./…-worker-boot.mjs', import.meta.url)`:
          // the inference and HEIC workers are plain JavaScript, the prefetch worker a tsx loader in development; built under the
          // same names beside engine-host.js, the same URL finds the bundled worker instead (no TypeScript loader).
          'session-worker-boot': resolve('src/engine/models/session-worker-boot.mjs'),
          'heic-worker-boot': resolve('src/engine/imaging/heic-worker-boot.mjs'),
          'prefetch-worker-boot': resolve('src/engine/training/prefetch-worker.ts'),
        },
        output: {
          entryFileNames: (chunk) => (chunk.name.endsWith('-worker-boot') ? '[name].mjs' : '[name].js'),
          // Shared code beside the entries too (not in chunks/): a module split into a chunk, as the HEIC decoder is,
          // finds its worker by the same `./…-worker-boot.mjs` URL.
          chunkFileNames: '[name]-[hash].js',
        },
      },
    },
  },
  preload: {
    build: {
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    build: { rollupOptions: { input: { index: resolve('src/renderer/index.html') } } },
    plugins: [svelte()],
  },
});
