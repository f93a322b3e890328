// Worker threads do not inherit a TypeScript loader when the parent was started by vitest or by a bundler, so
// the worker registers tsx itself before loading its TypeScript entry. (A bundled app points at the built file.)
import { register } from 'tsx/esm/api';

register();
await import('./session-worker.ts');
