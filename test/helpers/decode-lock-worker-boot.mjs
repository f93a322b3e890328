// Worker threads do not inherit vitest's TypeScript loader, so the worker registers tsx before loading its entry
// (as src/engine/training/prefetch-worker-boot.mjs does).
import { register } from 'tsx/esm/api';

register();
await import('./decode-lock-worker.ts');
