/**
 * The notice `--device auto` gives when it falls back to the CPU (session.ts, training/train-session.ts). Every notice
 * travels as a plain string, so the CLI, which shows this one only once per machine (src/cli/notices.ts), recognises it
 * by the opening that only this module writes. No imports: the CLI loads it at start-up, before any engine package.
 */
const OPENING = /^(Running|Training) on the CPU: /;

/** `hint`: how to get the GPU provider working (execution-providers.ts), where the platform has one. */
export function cpuFallbackNotice(activity: 'Running' | 'Training', reason: string | undefined, hint: string | undefined): string {
  return `${activity} on the CPU: ${reason ?? 'the GPU provider did not start'}.${hint ? ` ${hint}` : ''}`;
}

export function isCpuFallbackNotice(message: string): boolean {
  return OPENING.test(message);
}
