import { SrError } from '../../engine/errors.ts';
import { RESIZE_KERNEL_NAMES } from '../../engine/imaging/resize-kernels.ts';
import { DEVICE_NAMES } from '../device-names.ts';

// What eval-action.ts and eval-queued.ts share; apart, so that neither has to import the other for it.

export interface EvalCliOptions {
  data: string;
  scale: string;
  method: string;
  json?: boolean;
  save?: string;
  device?: string;
  state?: string;
  queue?: string;
  attempts: string;
  degrade?: string;
  seed: string;
  saveInputs?: string;
  strength?: string;
}

export function checkDevice(device: string | undefined): void {
  if (device !== undefined && !(DEVICE_NAMES as readonly string[]).includes(device)) {
    throw new SrError('BAD_ARGUMENT', `Unknown --device "${device}"`, `Use ${DEVICE_NAMES.join(', ')}.`);
  }
}

/** "magic" is more likely a typo of a method than a missing model: the error lists both kinds. */
export function unknownMethod(name: string, error: SrError): SrError {
  return new SrError(
    'UNKNOWN_METHOD',
    `Unknown method "${name}"`,
    `Interpolation: ${RESIZE_KERNEL_NAMES.join(', ')}. ${error.hint ?? ''}`.trim(),
  );
}
