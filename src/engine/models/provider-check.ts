import * as ort from 'onnxruntime-node';
import { type Provider, platformGpuProvider, providerUnavailableReason } from './execution-providers.ts';

export interface ProviderCheck {
  provider: Provider;
  works: boolean;
  /** Why not, when it does not. */
  reason?: string;
}

export interface ProvidersFound {
  /** The CPU, then this platform's GPU provider, each tried for real. */
  checks: ProviderCheck[];
  /** What `--device auto` runs on here: the GPU provider if it works, else the CPU. */
  auto: Provider;
  /** Every provider this build of onnxruntime-node lists, bundled or installable. */
  listed: string[];
}

/**
 * The execution providers that work on this machine, as `srstudio doctor` reports them. A provider that this build
 * lists and whose libraries are there can still fail to start (driver, CUDA or cuDNN versions), so each one opens a
 * session of `probeModel` (a small bundled model) and releases it; without one, only the libraries are checked.
 */
export async function findProviders(probeModel: string | undefined): Promise<ProvidersFound> {
  const gpu = platformGpuProvider();
  const checks: ProviderCheck[] = [];
  for (const provider of gpu ? (['cpu', gpu] as const) : (['cpu'] as const)) checks.push(await tryProvider(provider, probeModel));
  const gpuWorks = checks.some((check) => check.provider !== 'cpu' && check.works);
  return { checks, auto: gpuWorks && gpu ? gpu : 'cpu', listed: ort.listSupportedBackends().map((backend) => backend.name) };
}

async function tryProvider(provider: Provider, probeModel: string | undefined): Promise<ProviderCheck> {
  const reason = providerUnavailableReason(provider);
  if (reason) return { provider, works: false, reason };
  if (probeModel === undefined) return { provider, works: true };
  try {
    // logSeverityLevel 4: a provider that fails to start says why in the exception; its log on stderr is noise.
    const session = await ort.InferenceSession.create(probeModel, { executionProviders: [provider], logSeverityLevel: 4 });
    await session.release();
    return { provider, works: true };
  } catch (error) {
    return { provider, works: false, reason: (error as Error).message.split('\n')[0] };
  }
}

/** The onnxruntime-node version this process loaded. */
export function onnxRuntimeVersion(): string {
  return ort.env.versions.node ?? ort.env.versions.common;
}
