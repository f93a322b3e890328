import { resolveStateDir } from '../../engine/store/state-dir.ts';
import { EXIT } from '../exit-codes.ts';
import { printJson } from '../output.ts';
import { collectDoctorReport, type DoctorReport, problemsIn } from './doctor-report.ts';

export interface DoctorCliOptions {
  state?: string;
  redis?: string;
  json?: boolean;
}

/** `srstudio doctor`: what this machine runs SR Studio with, in a few lines; exit 1 when a check finds a problem. */
export async function doctorAction(opts: DoctorCliOptions): Promise<void> {
  const report = await collectDoctorReport(resolveStateDir(opts.state), opts.redis);
  if (opts.json) printJson(report);
  else process.stdout.write(`${describeReport(report).join('\n')}\n`);
  process.exitCode = problemsIn(report).length > 0 ? EXIT.SOME_FAILED : EXIT.OK;
}

const yesNo = (value: boolean | null): string => (value === null ? 'unknown' : value ? 'yes' : 'no');

export function describeReport(r: DoctorReport): string[] {
  const providers = r.providers.checks.map((c) => (c.works ? `${c.provider} works` : `${c.provider} no: ${c.reason}`)).join(' · ');
  const cpu = [`AVX-512 ${yesNo(r.cpu.avx512)}`, `VNNI ${yesNo(r.cpu.vnni)}`];
  if (r.cpu.armDotProduct) cpu.push('ARM dotprod yes');
  const example = r.precision.example ? `; ${r.precision.example.model} runs as ${r.precision.example.runs}` : '';
  return [
    `SR Studio ${r.srstudio} · Node ${r.node} · onnxruntime-node ${r.onnxruntime} · ${r.platform}`,
    `providers: ${providers} → --device auto runs on ${r.providers.auto}`,
    `CPU: ${cpu.join(', ')}; ${r.cpu.threads} inference thread(s)`,
    `precision auto: ${r.precision.auto} (${r.precision.why}${example})`,
    `models: ${r.models.builtin.count} bundled in ${r.models.builtin.dir}, ${r.models.user.count} of yours in ${r.models.user.dir}`,
    `store: ${r.store.path}: ${describeStore(r)}`,
    `redis: ${describeRedis(r)}`,
  ];
}

function describeStore(r: DoctorReport): string {
  const { state, schema, problem } = r.store;
  if (state === 'absent') return 'not made yet (the first command that needs it makes it)';
  if (state === 'ok') return `ok (quick check passed, schema ${schema?.found})`;
  const fix =
    state === 'damaged'
      ? 'Move the file aside (SR Studio starts a new one) or restore it from a backup.'
      : 'Check its permissions, update SR Studio, or pass --state DIR.';
  return `${state}: ${problem}\n  → ${fix}`;
}

function describeRedis(r: DoctorReport): string {
  if (!r.redis) return 'not checked (pass --redis URL to check a queue)';
  return r.redis.reachable ? `${r.redis.url} answers (Redis ${r.redis.version})` : `${r.redis.problem}`;
}
