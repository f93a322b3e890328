import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ortRuntime } from './ort-runtime.ts';

/** What the user asks for with `--device`. */
export type Device = 'auto' | 'cpu' | 'cuda' | 'dml' | 'coreml';
export type Provider = Exclude<Device, 'auto'>;

export const DEVICES: readonly Device[] = ['auto', 'cpu', 'cuda', 'dml', 'coreml'];

/** The GPU provider onnxruntime-node ships (or can install) for this platform; `auto` tries it first. */
export function platformGpuProvider(platform: NodeJS.Platform = process.platform): Provider | undefined {
  if (platform === 'linux') return 'cuda';
  if (platform === 'win32') return 'dml';
  if (platform === 'darwin') return 'coreml';
  return undefined;
}

/** How to get a provider working, for the hint of the error (or the fallback notice). */
export function providerHint(provider: Provider): string {
  switch (provider) {
    case 'cuda':
      return (
        'CUDA needs Linux x64, an NVIDIA driver, CUDA 12 and cuDNN 9, and the CUDA build of the runtime: ' +
        '`ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js` (docs/gpu.md). Or use --device cpu.'
      );
    case 'dml':
      return 'DirectML is available on Windows 10+ with a DirectX 12 GPU only. Use --device cpu elsewhere.';
    case 'coreml':
      return 'Core ML is available on macOS only. Use --device cpu elsewhere.';
    case 'cpu':
      return 'Reinstall onnxruntime-node (npm ci).';
  }
}

function bindingDir(): string | undefined {
  try {
    const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
    return path.join(path.dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return undefined;
  }
}

/**
 * Why a provider cannot work here, or undefined when it may (creating a session is the final test).
 * Checking first avoids ORT's own multi-line error log on stderr when a provider library is missing.
 */
export function providerUnavailableReason(provider: Provider): string | undefined {
  if (provider === 'cpu') return undefined;
  // The library first: where it is missing (every CPU-only install), the runtime need not even be loaded to say so.
  if (provider === 'cuda') {
    const dir = bindingDir();
    if (dir && !fs.existsSync(path.join(dir, 'libonnxruntime_providers_cuda.so'))) {
      return 'the CUDA provider library (libonnxruntime_providers_cuda.so) is not installed';
    }
  }
  const listed = ortRuntime()
    .listSupportedBackends()
    .map((b) => b.name);
  if (!listed.includes(provider)) return `this build of onnxruntime-node (${process.platform}/${process.arch}) has no ${provider} provider`;
  return undefined;
}
