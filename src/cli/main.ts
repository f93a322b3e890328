// The CLI's entry. A command that runs models starts its inference worker thread first, so that the thread's start
// (its own Node environment, onnxruntime-node, the runtime's first session) overlaps the loading of everything else:
// commander, zod and the commands' modules take about 0.1 s before any command could run (program.ts).
import { prestartInferenceWorker } from '../engine/models/worker-session.ts';
import { runsModelsHere } from './early-start.ts';

if (runsModelsHere(process.argv.slice(2))) prestartInferenceWorker();
await import('./program.ts');
