// Child process for the dataset crash and permission tests: creates a dataset and reports progress on stdout.
import { createDataset } from '../../src/engine/datasets/datasets.ts';
import { openStore } from '../../src/engine/store/store.ts';

const [stateDir, name, folder, batchSize] = process.argv.slice(2);
const store = openStore(stateDir);
const { dataset, result } = await createDataset(store, name, [folder], {
  batchSize: Number(batchSize || 100),
  concurrency: 2,
  onProgress: (p) => process.stdout.write(`progress ${p.phase} ${p.done} ${p.total}\n`),
});
process.stdout.write(`${JSON.stringify({ id: dataset.id, images: dataset.images, skipped: result.skipped })}\n`);
store.close();
