// Child process for the resume race test: loads the engine, says "ready", waits for the start file, then resumes
// the given upscale job and prints one JSON line with how that went (its summary, or the error it got).
import fs from 'node:fs';
import { isSrError } from '../../src/engine/errors.ts';
import { runUpscaleJob } from '../../src/engine/jobs/run-upscale-job.ts';
import { openStore } from '../../src/engine/store/store.ts';

const [stateDir, jobId, startFile] = process.argv.slice(2);
const store = openStore(stateDir);
process.stdout.write('ready\n');
while (!fs.existsSync(startFile)) await new Promise((resolve) => setTimeout(resolve, 1));
try {
  const summary = await runUpscaleJob({ store, resume: Number(jobId) });
  process.stdout.write(`${JSON.stringify({ pid: process.pid, status: summary.status, ok: summary.ok })}\n`);
} catch (error) {
  if (!isSrError(error)) throw error;
  process.stdout.write(`${JSON.stringify({ pid: process.pid, code: error.code, message: error.message })}\n`);
  process.exitCode = 2;
} finally {
  store.close();
}
