// Child process for the start-up race test: opens (and so migrates) the store, writes one job, reports its id.
import { JobsRepo } from '../../src/engine/store/jobs-repo.ts';
import { openStore } from '../../src/engine/store/store.ts';

const [stateDir] = process.argv.slice(2);
const store = openStore(stateDir);
const job = new JobsRepo(store).create('eval', { pid: process.pid });
process.stdout.write(`job ${job.id}\n`);
store.close();
