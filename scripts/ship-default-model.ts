/**
 * Turns a training run's best model into one of SR Studio's bundled models (`resources/models/<id>.onnx`): same
 * weights and graph, but the ModelMeta id/name users see (`srcnn-xN`, the default `defaultModelFor(scale)` picks,
 * or e.g. `fsrcnn-xN`), a provenance naming the run, and the Set5/Set14 scores measured by `srstudio eval --json`
 * on the shipped file.
 *
 * The model is rebuilt with the trainer's own exporter (`buildInferenceModel`) from the weights stored in the
 * run's file, rather than decoded and re-encoded: a protobuf round trip with defaults filled in writes every
 * attribute field and ONNX Runtime then rejects the Conv attributes ("type field and data field mismatch").
 *
 *   npx tsx scripts/ship-default-model.ts --from RUN_MODEL.onnx --scale N --out resources/models/srcnn-xN.onnx \
 *     [--id srcnn-xN] [--run ID] [--eval set5.json] [--eval set14.json]
 *
 * Only metadata changes, so it can be re-run after measuring to store the scores (see scripts/train-defaults.sh).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { writeFileAtomicSync } from '../src/engine/imaging/atomic-write.ts';
import { readModelMeta } from '../src/engine/models/model-meta-io.ts';
import { parseArch } from '../src/engine/training/architectures.ts';
import { buildInferenceModel } from '../src/engine/training/graph/index.ts';
import { readModelWeights } from '../src/engine/training/model-weights.ts';
import type { ModelMeta } from '../src/shared/model-meta.ts';
import { isForPhotos } from '../src/shared/model-title.ts';
import { scoresFromEval } from './eval-scores.ts';

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    scale: { type: 'string' },
    out: { type: 'string' },
    id: { type: 'string' },
    run: { type: 'string' },
    eval: { type: 'string', multiple: true },
  },
});

function fail(message: string): never {
  process.stderr.write(`ship-default-model: ${message}\n`);
  process.exit(2);
}

if (!values.from || !values.scale || !values.out) fail('--from, --scale and --out are required');
const scale = Number(values.scale);
const bytes = readFileSync(values.from);
const source = readModelMeta(bytes, values.from) ?? fail(`${values.from} has no SR Studio metadata: is it a run's model?`);
if (source.scale !== scale) fail(`${values.from} is a ×${source.scale} model, not ×${scale}`);

const scores = scoresFromEval(values.eval ?? [], scale, source.scores, fail);

const id = values.id ?? `srcnn-x${scale}`;
/** The family's name as the papers write it: 'srcnn-9-1-5-same-res' → 'SRCNN', 'fsrcnn-56-12-4-res-x2' → 'FSRCNN'. */
const architecture = source.architecture.split('-')[0].toUpperCase();
/** A model trained on real-photo degradations is named for them: "FSRCNN for photos". */
const family = source.degradation
  ? `${architecture} for ${isForPhotos(source.degradation.name) ? 'photos' : `'${source.degradation.name}' photos`}`
  : architecture;
// The run's number only: the folder it was in is the training machine's, which means nothing to a user (the card has the commands).
const where = values.run ? ` (run ${values.run} of the training machine)` : '';
const meta: ModelMeta = {
  ...source,
  id,
  name: `${family} ×${scale} (${source.architecture}, ${id === `srcnn-x${scale}` ? 'SR Studio default' : 'bundled with SR Studio'})`,
  provenance: `SR Studio's bundled ×${scale} ${family} model${where}. ${source.provenance}`.slice(0, 4000),
  scores,
};
writeFileAtomicSync(values.out, [buildInferenceModel(parseArch(source.architecture, scale), readModelWeights(bytes), meta)]);
process.stdout.write(`${values.out}: ${meta.id} — ${meta.name}\n${JSON.stringify(meta.scores)}\n`);
