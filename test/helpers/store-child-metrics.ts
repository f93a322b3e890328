// Child process for the crash test: a training-like loop that writes metrics forever until killed.

import { RunsRepo } from '../../src/engine/store/runs-repo.ts';
import { openStore } from '../../src/engine/store/store.ts';

const [stateDir] = process.argv.slice(2);
const store = openStore(stateDir);
const runs = new RunsRepo(store);
const run = runs.create({ arch: 'srcnn-9-5-5', scale: 3, config: { lr: 1e-4 } });
runs.setStatus(run.id, 'running');
process.stdout.write(`run ${run.id}\n`);
for (let step = 1; ; step += 1) {
  runs.addMetrics(run.id, [
    { step, kind: 'train', name: 'loss', value: 1 / step },
    { step, kind: 'train', name: 'lr', value: 1e-4 },
  ]);
  if (step % 50 === 0) runs.addCheckpoint(run.id, { step, path: `checkpoints/run-${run.id}/step-${step}.bin`, valPsnr: 20 + step / 1000 });
  if (step === 200) process.stdout.write('steady\n');
}
