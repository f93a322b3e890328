import * as ort from 'onnxruntime-node';
import { SrError } from '../errors.ts';
import { computeThreads } from '../models/cpu-cores.ts';
import { cpuFallbackNotice } from '../models/cpu-fallback-notice.ts';
import { type Device, type Provider, platformGpuProvider, providerHint, providerUnavailableReason } from '../models/execution-providers.ts';

/**
 * An ORT session for a train-step graph. `openSession` (models/session.ts) is for single-input SR models and
 * caches by source; a train step has many inputs and lives for one run, so it is created here, reusing the
 * same provider checks and the same `auto` rule: the GPU provider if it starts, else the CPU with one notice.
 */
export async function openTrainSession(
  bytes: Uint8Array,
  device: Device,
  onNotice?: (message: string) => void,
): Promise<{ session: ort.InferenceSession; provider: Provider }> {
  const create = (provider: Provider) =>
    ort.InferenceSession.create(bytes, {
      executionProviders: [provider],
      intraOpNumThreads: computeThreads(),
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
  if (device === 'cpu') return { session: await create('cpu'), provider: 'cpu' };
  if (device !== 'auto') {
    const reason = providerUnavailableReason(device);
    if (reason) throw new SrError('BAD_ARGUMENT', `--device ${device} is not available: ${reason}`, providerHint(device));
    try {
      return { session: await create(device), provider: device };
    } catch (error) {
      throw new SrError(
        'BAD_ARGUMENT',
        `--device ${device} failed to start the training graph: ${(error as Error).message.split('\n')[0]}`,
        providerHint(device),
      );
    }
  }
  const gpu = platformGpuProvider();
  let reason = gpu ? providerUnavailableReason(gpu) : `no GPU provider exists for ${process.platform}`;
  if (gpu && !reason) {
    try {
      return { session: await create(gpu), provider: gpu };
    } catch (error) {
      reason = (error as Error).message.split('\n')[0];
    }
  }
  onNotice?.(cpuFallbackNotice('Training', reason, gpu && providerHint(gpu)));
  return { session: await create('cpu'), provider: 'cpu' };
}
