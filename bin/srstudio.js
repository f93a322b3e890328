#!/usr/bin/env node
// The CLI runs from TypeScript source through tsx, so a fresh clone needs no build step. Once built (`npm run build`,
// or `npm run build:cli`: scripts/build-cli.mjs) it runs the bundle in out/cli/ instead, which starts 0.5–1 s sooner, as
// long as no file under src/ is newer than the bundle (cli-bundle.js; a few milliseconds to check).
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freshBundle } from './cli-bundle.js';

const bundle = freshBundle(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'));
if (bundle) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
