import { readCpuinfo } from './cpu-cores.ts';

/**
 * Whether this CPU has the int8 dot-product instructions ONNX Runtime's int8 convolutions are built on: AVX-512 VNNI
 * or AVX-VNNI on x86, the dot-product extension (asimddp) on ARM. With them an int8 model runs 2–3× faster than
 * float32 here; without them (plain AVX2) MLAS falls back to 16-bit multiply-adds that are barely faster and can
 * saturate, so `--precision auto` keeps float32 there.
 */
export function hasInt8DotProduct(
  cpuinfo: string | undefined = readCpuinfo(),
  arch: string = process.arch,
  platform: NodeJS.Platform = process.platform,
): boolean {
  // Every Apple Silicon core has the ARMv8.4 dot product; macOS has no /proc/cpuinfo to ask.
  if (platform === 'darwin') return arch === 'arm64';
  // Elsewhere without /proc/cpuinfo (Windows): not known, so `auto` stays float32 and `--precision int8` still works.
  const features = cpuFeatures(cpuinfo, platform);
  if (!features) return false;
  return arch === 'arm64' ? features.armDotProduct : features.vnni;
}

/** The CPU features that decide how fast int8 runs, as `srstudio doctor` reports them. */
export interface CpuFeatures {
  /** AVX-512 Foundation (x86). */
  avx512: boolean;
  /** AVX-512 VNNI or AVX-VNNI (x86): int8 dot products. */
  vnni: boolean;
  /** The ARM dot-product extension (asimddp). */
  armDotProduct: boolean;
}

/** From the flags of /proc/cpuinfo (Linux); undefined where there is none to read, for the caller to say 'unknown'. */
export function cpuFeatures(
  cpuinfo: string | undefined = readCpuinfo(),
  platform: NodeJS.Platform = process.platform,
): CpuFeatures | undefined {
  if (platform !== 'linux' || !cpuinfo) return undefined;
  const flags = new Set(
    cpuinfo
      .split('\n')
      .filter((line) => /^(flags|Features)\s*:/.test(line))
      .flatMap((line) => line.split(':')[1].trim().split(/\s+/)),
  );
  return {
    avx512: flags.has('avx512f'),
    vnni: flags.has('avx512_vnni') || flags.has('avx_vnni'),
    armDotProduct: flags.has('asimddp'),
  };
}
