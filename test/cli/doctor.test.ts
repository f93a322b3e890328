import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../src/cli/commands/doctor-report.ts';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { cpuFeatures } from '../../src/engine/models/cpu-int8.ts';
import { LATEST_SCHEMA_VERSION } from '../../src/engine/store/migrations/index.ts';
import { openStore } from '../../src/engine/store/store.ts';
import { runCli } from '../helpers/jobs-cli.ts';
import { useQueueFixture } from '../helpers/queue-fixture.ts';
import { freePort } from '../helpers/redis-server.ts';

/** Each doctor run is a real CLI start with ORT loaded: seconds on a busy 2-core machine. */
const CLI_TIMEOUT = 180_000;
const queue = useQueueFixture('doctor');

async function doctorJson(...args: string[]): Promise<{ code: number | null; report: DoctorReport; stderr: string }> {
  const result = await runCli(['doctor', '--json', ...args]);
  return { code: result.code, report: JSON.parse(result.stdout) as DoctorReport, stderr: result.stderr };
}

/** A store made the way every command makes it, with one page overwritten: it opens, but SQLite's quick check fails. */
function damagedStore(dir: string): void {
  const store = openStore(dir);
  const pageSize = Number(store.db.pragma('page_size', { simple: true }));
  store.db.pragma('wal_checkpoint(TRUNCATE)'); // every page in the main file, where the damage goes
  store.close();
  const fd = fs.openSync(`${dir}/srstudio.db`, 'r+');
  fs.writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, pageSize * 2);
  fs.closeSync(fd);
}

describe('srstudio doctor (real CLI)', () => {
  it('says in a few lines what this machine runs SR Studio with', { timeout: CLI_TIMEOUT }, async () => {
    const state = queue.at('fresh');
    const result = await runCli(['doctor', '--state', state]);
    expect(result.code, result.stderr).toBe(EXIT.OK);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(8);
    const text = result.stdout;
    expect(text).toContain(`Node ${process.version}`);
    expect(text).toMatch(/onnxruntime-node \d+\.\d+\.\d+/);
    expect(text).toMatch(/^providers: cpu works/m);
    expect(text).toMatch(/--device auto runs on (cpu|cuda|dml|coreml)/);
    // What /proc/cpuinfo says, or 'unknown' where there is none.
    const features = cpuFeatures();
    const yesNo = (v: boolean | undefined) => (v === undefined ? 'unknown' : v ? 'yes' : 'no');
    expect(text).toContain(`CPU: AVX-512 ${yesNo(features?.avx512)}, VNNI ${yesNo(features?.vnni)}`);
    expect(text).toMatch(/^precision auto: (int8|fp32) \(.*photo-x2 runs as photo-x2(-int8)?\)$/m);
    expect(text).toMatch(/^models: \d+ bundled in .*resources\/models, 0 of yours in .*fresh\/models$/m);
    expect(text).toContain(`store: ${state}/srstudio.db: not made yet`);
    expect(text).toContain('redis: not checked');
    // Checking never makes the store.
    expect(fs.existsSync(state)).toBe(false);
  });

  it('--json: a healthy store passes the quick check at the current schema', { timeout: CLI_TIMEOUT }, async () => {
    const state = queue.at('healthy');
    openStore(state).close();
    const { code, report } = await doctorJson('--state', state);
    expect(code).toBe(EXIT.OK);
    expect(report.store).toEqual({
      path: `${state}/srstudio.db`,
      state: 'ok',
      schema: { found: LATEST_SCHEMA_VERSION, current: LATEST_SCHEMA_VERSION },
    });
    expect(report.providers.checks[0]).toEqual({ provider: 'cpu', works: true });
    expect(report.providers.listed).toContain('cpu');
    expect(report.precision.example?.model).toBe('photo-x2');
    expect(report.models.builtin.count).toBeGreaterThan(0);
    expect(report.redis).toBeUndefined();
  });

  it('a damaged store is a finding: exit 1, with what is wrong and what to do', { timeout: CLI_TIMEOUT }, async () => {
    const state = queue.at('damaged');
    damagedStore(state);
    const [json, text] = await Promise.all([doctorJson('--state', state), runCli(['doctor', '--state', state])]);
    expect(json.code).toBe(EXIT.SOME_FAILED);
    expect(json.report.store).toMatchObject({ state: 'damaged', problem: expect.stringMatching(/page 3/) });
    expect(text.code).toBe(EXIT.SOME_FAILED);
    expect(text.stdout).toMatch(/store: .*srstudio\.db: damaged: .*page 3/);
    expect(text.stdout).toContain('→ Move the file aside (SR Studio starts a new one) or restore it from a backup.');

    fs.writeFileSync(`${state}/srstudio.db`, 'not a database, a text file in its place');
    const notDb = await doctorJson('--state', state);
    expect(notDb.code).toBe(EXIT.SOME_FAILED);
    expect(notDb.report.store).toMatchObject({ state: 'damaged', problem: 'file is not a database' });
  });

  it('--redis: says whether the queue answers (exit 1 when not), and refuses a malformed URL (exit 2)', {
    timeout: CLI_TIMEOUT,
  }, async () => {
    const state = queue.at('redis');
    const nobody = `redis://127.0.0.1:${await freePort()}`;
    const [up, down, text, bad] = await Promise.all([
      doctorJson('--state', state, '--redis', queue.redis.url),
      doctorJson('--state', state, '--redis', nobody),
      runCli(['doctor', '--state', state, '--redis', nobody]),
      runCli(['doctor', '--state', state, '--redis', 'http://nas:6379']),
    ]);
    expect(up.code, up.stderr).toBe(EXIT.OK);
    expect(up.report.redis).toEqual({ url: queue.redis.url, reachable: true, version: expect.stringMatching(/^\d+\.\d+/) });
    expect(down.code).toBe(EXIT.SOME_FAILED);
    expect(down.report.redis).toMatchObject({ reachable: false, problem: expect.stringContaining('connection refused') });
    expect(text.stdout).toMatch(/^redis: Nothing answers at redis:\/\/127\.0\.0\.1:\d+ \(connection refused\)$/m);
    expect(text.stdout).toContain('→ Check that redis-server runs on that machine');
    expect(bad.code).toBe(EXIT.COULD_NOT_RUN);
    expect(bad.stderr).toContain('--redis "http://nas:6379" is not a Redis URL');
    expect(bad.stdout).toBe('');
  });
});

describe('cpuFeatures', () => {
  const x86 = (flags: string) => `processor\t: 0\nflags\t\t: fpu sse2 avx2 ${flags}\n`;
  it('reads AVX-512, VNNI and ARM dotprod from the flags, and nothing where there is no /proc/cpuinfo', () => {
    expect(cpuFeatures(x86('avx512f avx512_vnni'), 'linux')).toEqual({ avx512: true, vnni: true, armDotProduct: false });
    expect(cpuFeatures(x86('avx_vnni'), 'linux')).toEqual({ avx512: false, vnni: true, armDotProduct: false });
    expect(cpuFeatures(x86('fma'), 'linux')).toEqual({ avx512: false, vnni: false, armDotProduct: false });
    expect(cpuFeatures('processor\t: 0\nFeatures\t: fp asimd asimddp\n', 'linux')).toEqual({
      avx512: false,
      vnni: false,
      armDotProduct: true,
    });
    expect(cpuFeatures('', 'linux')).toBeUndefined(); // unreadable (undefined would mean: read this machine's)
    expect(cpuFeatures(x86('avx512f'), 'darwin')).toBeUndefined();
  });
});
