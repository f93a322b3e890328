import fs from 'node:fs';
import os from 'node:os';
import { SrError } from '../errors.ts';

/**
 * Physical cores, for ORT's intraOpNumThreads. Hyper-threads share one core's FPUs, so running a convolution
 * on both only adds contention. `availableParallelism()/2` is wrong on small VMs (2 vCPUs that are 2 real cores),
 * so on Linux we count distinct (physical id, core id) pairs in /proc/cpuinfo, and elsewhere fall back to the
 * logical count (macOS/Windows report performance cores well enough through it).
 */
export function physicalCoreCount(cpuinfo: string | undefined = readCpuinfo(), logicalCount = os.availableParallelism()): number {
  const logical = Math.max(1, logicalCount);
  if (!cpuinfo) return logical;
  const cores = new Set<string>();
  let physicalId = '0';
  let sawCoreId = false;
  for (const line of cpuinfo.split('\n')) {
    const [rawKey, rawValue] = line.split(':');
    if (rawValue === undefined) continue;
    const key = rawKey.trim();
    const value = rawValue.trim();
    if (key === 'physical id') physicalId = value;
    else if (key === 'core id') {
      cores.add(`${physicalId}/${value}`);
      sawCoreId = true;
    } else if (key === 'processor') physicalId = '0';
  }
  // Containers may restrict CPUs below the host's core count; never exceed what this process may use.
  return sawCoreId && cores.size > 0 ? Math.min(cores.size, logical) : logical;
}

/** /proc/cpuinfo on Linux; undefined elsewhere or when it cannot be read. */
export function readCpuinfo(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    return fs.readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * ORT's intra-op thread count: `SRSTUDIO_THREADS` when set, else the physical cores. Two engines sharing one
 * machine (two training runs, or a run beside a batch) each spin a full-size pool and steal each other's cores;
 * measured here, two runs at 2 threads each on 2 cores did a third less work together than one alone.
 */
export function computeThreads(env: NodeJS.ProcessEnv = process.env, cores = physicalCoreCount()): number {
  const raw = env.SRSTUDIO_THREADS;
  if (raw === undefined || raw.trim() === '') return cores;
  const threads = Number(raw);
  if (!Number.isInteger(threads) || threads < 1) {
    throw new SrError('BAD_ARGUMENT', `SRSTUDIO_THREADS must be a whole number of threads, 1 or more; got '${raw}'`);
  }
  return threads;
}
