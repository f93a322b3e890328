/** Per-parameter learning-rate multipliers that an architecture's paper trains with, for the train-step graph. */
import type { ArchSpec } from './architectures.ts';

/** SRCNN's paper trains its last layer with a 10× smaller rate; the other architectures use one rate. */
export function lrMultipliers(arch: ArchSpec): Record<string, number> {
  return arch.kind === 'srcnn' ? { 'conv3.w': 0.1, 'conv3.b': 0.1 } : {};
}
