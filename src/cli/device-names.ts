import type { Device } from '../engine/models/execution-providers.ts';

// The --device names for help texts. execution-providers.ts itself loads onnxruntime (~1 s), which `--help` must not
// pay for. Typed as Record<Device, true>, so tsc fails the moment this list and the `Device` type disagree.
const DEVICE_FLAGS: Record<Device, true> = { auto: true, cpu: true, cuda: true, dml: true, coreml: true };

export const DEVICE_NAMES = Object.keys(DEVICE_FLAGS) as Device[];
