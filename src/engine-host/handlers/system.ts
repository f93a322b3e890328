import os from 'node:os';
import * as ort from 'onnxruntime-node';
import { physicalCoreCount } from '../../engine/models/cpu-cores.ts';
import { type Provider, providerUnavailableReason } from '../../engine/models/execution-providers.ts';
import { ortVersion } from '../../engine/models/ort-runtime.ts';
import { CONTRACT_VERSION, type ResultOf } from '../../shared/contract/index.ts';
import type { HandlerTable } from '../handler.ts';

const KNOWN_PROVIDERS: readonly string[] = ['cpu', 'cuda', 'dml', 'coreml'];

function onnxRuntimeVersion(): string | null {
  try {
    return ortVersion();
  } catch {
    return null;
  }
}

function providers(): ResultOf<'system.info'>['providers'] {
  const listed = typeof ort.listSupportedBackends === 'function' ? ort.listSupportedBackends() : [{ name: 'cpu', bundled: true }];
  return listed.map(({ name, bundled }) => {
    // The engine can check the providers it runs models on; the others (webgpu, tensorrt) it never offers, so even a
    // bundled one is not usable here: saying "yes" for webgpu on a machine without a GPU misled.
    const reason = KNOWN_PROVIDERS.includes(name)
      ? providerUnavailableReason(name as Provider)
      : bundled
        ? `bundled with onnxruntime-node, but SR Studio does not run models on it (--device: ${KNOWN_PROVIDERS.join(', ')})`
        : `onnxruntime-node does not bundle ${name} on ${process.platform}/${process.arch}`;
    return { name, bundled, usable: reason === undefined, ...(reason ? { reason } : {}) };
  });
}

export const systemHandlers: HandlerTable = {
  'system.info': async (_params, context) => ({
    contractVersion: CONTRACT_VERSION,
    engine: { pid: process.pid, node: process.versions.node, onnxruntime: onnxRuntimeVersion(), uptimeSeconds: process.uptime() },
    providers: providers(),
    cpu: {
      model: os.cpus()[0]?.model ?? 'unknown',
      logicalCores: Math.max(1, os.availableParallelism()),
      physicalCores: physicalCoreCount(),
    },
    memory: { totalBytes: os.totalmem(), freeBytes: os.freemem() },
    platform: process.platform,
    arch: process.arch,
    stateDir: context.stateDir,
  }),
  'system.ping': async ({ echo }) => ({ pid: process.pid, ...(echo === undefined ? {} : { echo }) }),
};
