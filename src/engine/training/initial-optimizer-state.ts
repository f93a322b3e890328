/**
 * The weights and Adam moments a run starts from: a checkpoint's; else seeded fresh weights, or a parent model's
 * (warm start), with zero moments.
 */
import { Rng, Stream } from '../seeded-random.ts';
import { type ArchSpec, initParams } from './architectures.ts';
import type { CheckpointState } from './checkpoint.ts';
import type { OptimizerState } from './step-runner.ts';
import { type WarmStart, warmStartParams } from './warm-start.ts';

export interface InitialState extends OptimizerState {
  /** With a warm start: the parameters the parent did not have, which start from the seeded initialisation. */
  fresh: string[];
  /** With a warm start: mapping layers the parent did not have, which start as the identity (identity-mapping.ts). */
  identity: string[];
  /** With a warm start: layers wider than the parent's, which hold its weights in their first channels (widening.ts). */
  widened: string[];
}

export function initialOptimizerState(
  arch: ArchSpec,
  seed: number,
  checkpoint: CheckpointState | null,
  warm: WarmStart | null = null,
): InitialState {
  if (checkpoint)
    return { params: checkpoint.params, adamM: checkpoint.adamM, adamV: checkpoint.adamV, fresh: [], identity: [], widened: [] };
  const rng = Rng.keyed(seed, Stream.init);
  const random = () => rng.next();
  const { params, fresh, identity, widened } = warm
    ? warmStartParams(arch, random, warm)
    : { params: initParams(arch, random), fresh: [], identity: [], widened: [] };
  const zeros = () => new Map([...params].map(([name, values]) => [name, new Float32Array(values.length)]));
  return { params, adamM: zeros(), adamV: zeros(), fresh, identity, widened };
}
