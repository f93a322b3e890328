/** The weights and Adam moments a run starts from: a checkpoint's, or seeded fresh weights with zero moments. */
import { Rng, Stream } from '../seeded-random.ts';
import { type ArchSpec, initParams } from './architectures.ts';
import type { CheckpointState } from './checkpoint.ts';
import type { OptimizerState } from './step-runner.ts';

export function initialOptimizerState(arch: ArchSpec, seed: number, checkpoint: CheckpointState | null): OptimizerState {
  if (checkpoint) return { params: checkpoint.params, adamM: checkpoint.adamM, adamV: checkpoint.adamV };
  const rng = Rng.keyed(seed, Stream.init);
  const params = initParams(arch, () => rng.next());
  const zeros = () => new Map([...params].map(([name, values]) => [name, new Float32Array(values.length)]));
  return { params, adamM: zeros(), adamV: zeros() };
}
