#!/usr/bin/env node
// Bundles the CLI into out/cli/: src/cli/main.ts and every source module it reaches, split at its lazy imports (so
// `--help` still loads no engine), with packages left in node_modules. bin/srstudio.js runs this bundle instead of the
// TypeScript sources while no source file is newer than it: the sources through tsx cost every command 0.5–1 s of module
// loading on 2 busy cores (each import resolved through tsx's loader thread). `npm run build` runs this too.
// The worker threads sit beside the chunks, where `new URL('./…-worker-boot.mjs', import.meta.url)` looks for them.
// esbuild is the copy tsx itself uses (tsx is a dependency), found through tsx.
//
// The plain-JavaScript packages a batch loads (zod, sharp's JavaScript and semver, protobufjs, cli-progress) are bundled
// too: as one chunk they load in 0.1 s less than as the few hundred files Node would resolve and compile one by one
// (measured on `srstudio upscale` of Set5: modules 0.47 → 0.36 s). Left in node_modules: packages with a native
// addon that finds itself through its own path (onnxruntime-node, better-sqlite3 through `bindings`), and the queue's
// (BullMQ reads its Lua scripts from its own folder), web bridge's and build tools' packages, libheif-js (3 MB, loaded
// only for a HEIC photo), and commander (small;
// test/cli/startup.test.ts watches it load to know its check of `--help` saw the CLI at all). sharp's addon itself
// (`@img/sharp-<platform>/sharp.node`) stays a runtime require, resolved from the bundle's folder like any package.
// bin/cli-bundle.js treats the bundle as stale once node_modules changes, so bundled copies never outlive an install.
//
// A CLI may be running while this rebuilds (a long batch): it imports chunks lazily, by their content-hashed names. So
// the chunks of earlier builds are left in place (those older than a day are removed), each file is written under a temp
// name and renamed, and the entry points are written last: a CLI starting now finds either the old bundle or the new one.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'out', 'cli');
const ENTRIES = { main: 'src/cli/main.ts', 'prefetch-worker-boot': 'src/engine/training/prefetch-worker.ts' };
const esbuild = createRequire(import.meta.resolve('tsx'))('esbuild');
/**
 * zod's `z.locales` namespace holds its error messages in 63 languages; SR Studio reports in English and never reads
 * it, but a namespace cannot be tree-shaken. Bundled, the locales are half of zod's 755 kB and 25 ms of every start
 * (10 runs of a bundled zod each: 180 → 157 ms best). In the CLI bundle, `z.locales` holds English only; the English
 * messages zod uses by default come from its own import of en.js, as before.
 */
const ENGLISH_ZOD_LOCALES = {
  name: 'english-zod-locales',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}zod${path.sep}`)
        ? { path: path.join(path.dirname(args.importer), '..', 'locales', 'en.js'), namespace: 'english-zod-locales' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'english-zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: path.dirname(args.path),
    }));
  },
};
const LEFT_IN_NODE_MODULES = ['onnxruntime-node', 'better-sqlite3', 'bullmq', 'ioredis', 'ws', 'tsx', 'esbuild', 'commander', 'libheif-js'];

const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: ENTRIES,
  outdir: out,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: [...LEFT_IN_NODE_MODULES, '*.node'],
  plugins: [ENGLISH_ZOD_LOCALES],
  // Bundled CommonJS packages call require() for Node's own modules, which an ES module does not have.
  banner: { js: "import { createRequire as __srstudioRequire } from 'node:module'; const require = __srstudioRequire(import.meta.url);" },
  write: false,
  logLevel: 'warning',
});

const files = [
  ...result.outputFiles.map((f) => ({ path: f.path, contents: f.contents })),
  // The inference and HEIC workers are plain JavaScript already.
  { path: path.join(out, 'session-worker-boot.mjs'), contents: readFileSync(path.join(root, 'src/engine/models/session-worker-boot.mjs')) },
  { path: path.join(out, 'heic-worker-boot.mjs'), contents: readFileSync(path.join(root, 'src/engine/imaging/heic-worker-boot.mjs')) },
];
const isEntry = (file) => !path.basename(file).startsWith('chunk-');
mkdirSync(out, { recursive: true });
for (const file of [...files.filter((f) => !isEntry(f.path)), ...files.filter((f) => isEntry(f.path))]) {
  const temp = `${file.path}.${process.pid}.tmp`;
  writeFileSync(temp, file.contents);
  renameSync(temp, file.path);
}
const current = new Set(files.map((f) => path.basename(f.path)));
const dayAgo = Date.now() - 24 * 3600 * 1000;
for (const name of readdirSync(out)) {
  const file = path.join(out, name);
  if (!current.has(name) && statSync(file).mtimeMs < dayAgo) rmSync(file, { force: true });
}
