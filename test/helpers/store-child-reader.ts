// Child process for the concurrency test: reads the jobs table in a loop while the parent writes, reporting what it saw.
import { JobsRepo } from '../../src/engine/store/jobs-repo.ts';
import { openStore } from '../../src/engine/store/store.ts';

const [stateDir, jobIdText, expectedText] = process.argv.slice(2);
const store = openStore(stateDir);
const jobs = new JobsRepo(store);
const jobId = Number(jobIdText);
const expected = Number(expectedText);
let reads = 0;
let maxDone = 0;
let nonMonotonic = 0;
const deadline = Date.now() + 30_000;
process.stdout.write('ready\n');
while (Date.now() < deadline) {
  const done = jobs.items(jobId, 'done').length;
  if (done < maxDone) nonMonotonic += 1;
  maxDone = Math.max(maxDone, done);
  reads += 1;
  if (done >= expected) break;
}
process.stdout.write(`${JSON.stringify({ reads, maxDone, nonMonotonic })}\n`);
store.close();
