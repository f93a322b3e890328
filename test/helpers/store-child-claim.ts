// Child process for the claim race test: loads everything, says "ready", waits for the start file, then tries to
// claim every job in the store as fast as it can and prints the ids it won. It stays alive (so its claims stay
// held by a live owner) until the release file appears.
import fs from 'node:fs';
import { JobsRepo } from '../../src/engine/store/jobs-repo.ts';
import { openStore } from '../../src/engine/store/store.ts';

const [stateDir, startFile, releaseFile] = process.argv.slice(2);
const store = openStore(stateDir);
const jobs = new JobsRepo(store);
const ids = jobs
  .list()
  .map((j) => j.id)
  .sort((a, b) => a - b);

const until = async (file: string): Promise<void> => {
  while (!fs.existsSync(file)) await new Promise((resolve) => setTimeout(resolve, 1));
};

process.stdout.write('ready\n');
await until(startFile);
const won = ids.filter((id) => jobs.claim(id, ['queued']).claimed);
process.stdout.write(`${JSON.stringify({ pid: process.pid, won })}\n`);
await until(releaseFile);
store.close();
