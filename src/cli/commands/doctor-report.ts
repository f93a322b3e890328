import path from 'node:path';
import { isSrError } from '../../engine/errors.ts';
import { computeThreads } from '../../engine/models/cpu-cores.ts';
import { cpuFeatures, hasInt8DotProduct } from '../../engine/models/cpu-int8.ts';
import { builtinDirOf, type ModelDirs, userModelsDir } from '../../engine/models/model-dirs.ts';
import { modelAtPrecision } from '../../engine/models/precision.ts';
import { findProviders, onnxRuntimeVersion, type ProvidersFound } from '../../engine/models/provider-check.ts';
import { defaultModelFor, listModels } from '../../engine/models/registry.ts';
import { checkStoreHealth, type StoreHealth } from '../../engine/store/store-health.ts';
import { packageVersion } from '../version.ts';

/** Everything `srstudio doctor` reports; `--json` prints it as it is. */
export interface DoctorReport {
  srstudio: string;
  node: string;
  onnxruntime: string;
  platform: string;
  providers: ProvidersFound;
  /** From /proc/cpuinfo; null where it cannot be read (macOS, Windows): unknown. */
  cpu: { avx512: boolean | null; vnni: boolean | null; armDotProduct: boolean | null; threads: number };
  precision: PrecisionPick;
  models: { builtin: ModelFolder; user: ModelFolder };
  store: StoreHealth;
  redis?: RedisCheck;
}

/** What `--precision auto` (the default) runs, shown on the default ×2 model. */
export interface PrecisionPick {
  auto: 'int8' | 'fp32';
  why: string;
  /** The default ×2 model, and the model `auto` runs for it. */
  example?: { model: string; runs: string };
}

export interface ModelFolder {
  dir: string;
  count: number;
}

export type RedisCheck = { url: string; reachable: true; version: string } | { url: string; reachable: false; problem: string };

/** A report with one of these is a problem: `doctor` exits 1. */
export function problemsIn(report: DoctorReport): string[] {
  const problems: string[] = [];
  if (!report.providers.checks.some((check) => check.provider === 'cpu' && check.works)) problems.push('the CPU provider does not work');
  if (report.store.state === 'damaged' || report.store.state === 'unusable') problems.push(`the store is ${report.store.state}`);
  if (report.redis && !report.redis.reachable) problems.push('Redis is not reachable');
  return problems;
}

export async function collectDoctorReport(stateDir: string, redisUrl: string | undefined): Promise<DoctorReport> {
  const dirs: ModelDirs = { stateDir };
  const models = await listModels(dirs);
  const probe = await defaultModelFor(2, dirs).catch(() => undefined);
  const features = cpuFeatures();
  return {
    srstudio: packageVersion(),
    node: process.version,
    onnxruntime: onnxRuntimeVersion(),
    platform: `${process.platform} ${process.arch}`,
    providers: await findProviders(probe?.path),
    cpu: {
      avx512: features?.avx512 ?? null,
      vnni: features?.vnni ?? null,
      armDotProduct: features?.armDotProduct ?? null,
      threads: computeThreads(),
    },
    precision: await precisionPick(dirs, probe),
    models: {
      builtin: { dir: path.resolve(builtinDirOf(dirs)), count: models.filter((m) => m.source === 'builtin').length },
      user: { dir: userModelsDir(dirs), count: models.filter((m) => m.source === 'user').length },
    },
    store: checkStoreHealth(stateDir),
    redis: redisUrl === undefined ? undefined : await checkQueue(redisUrl),
  };
}

async function precisionPick(dirs: ModelDirs, model: Awaited<ReturnType<typeof defaultModelFor>> | undefined): Promise<PrecisionPick> {
  const int8Cpu = hasInt8DotProduct();
  const why = int8Cpu
    ? 'this CPU has int8 dot products: a model runs as its int8 variant where one is within 0.1 dB of it'
    : 'this CPU has no int8 dot products (AVX-512 VNNI, AVX-VNNI, ARM dotprod) that SR Studio can see';
  if (!model) return { auto: int8Cpu ? 'int8' : 'fp32', why };
  const chosen = await modelAtPrecision(model, 'auto', dirs, int8Cpu);
  return {
    auto: chosen.model.meta.quantizedFrom?.format === 'int8' ? 'int8' : 'fp32',
    why,
    example: { model: model.meta.id, runs: chosen.model.meta.id },
  };
}

/** The queue's code (ioredis) loads only when a URL is given. A malformed URL is a usage error (exit 2), not a finding. */
async function checkQueue(url: string): Promise<RedisCheck> {
  const { parseRedisUrl } = await import('../../engine/queue/redis-target.ts');
  const { checkRedis } = await import('../../engine/queue/redis-connection.ts');
  const target = parseRedisUrl(url, '--redis');
  try {
    const { version } = await checkRedis(target);
    return { url: target.display, reachable: true, version };
  } catch (error) {
    return { url: target.display, reachable: false, problem: isSrError(error) ? error.describe() : String(error) };
  }
}
