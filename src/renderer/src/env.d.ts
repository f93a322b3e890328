/// <reference types="svelte" />
/// <reference types="vite/client" />
import type { ElectronBridge } from '../../shared/contract/index.ts';

declare global {
  interface Window {
    /** Present only inside the Electron app (exposed by src/preload). */
    readonly srs?: ElectronBridge;
  }
}
