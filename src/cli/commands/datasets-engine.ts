// Everything `srstudio datasets` needs from the engine, in the one module its subcommands load on first use.
export {
  addToDataset,
  createDataset,
  deleteDataset,
  listDatasets,
  markInterruptedImports,
  removeFromDataset,
  rescanDataset,
} from '../../engine/datasets/datasets.ts';
export { DatasetsRepo } from '../../engine/datasets/datasets-repo.ts';
export { exportManifest, importManifest } from '../../engine/datasets/manifest.ts';
export { randomSplit } from '../../engine/datasets/split.ts';
export { datasetStats } from '../../engine/datasets/stats.ts';
export { openStore } from '../../engine/store/store.ts';
