/**
 * Turns a model made by `srstudio models quantize … --out FILE` into one of SR Studio's bundled int8 models
 * (`resources/models/<id>-int8.onnx`): the same graph byte for byte (only metadata_props change), the name users see,
 * a provenance naming the bundled parent, and the Set5/Set14 scores measured by `srstudio eval --json` on the file.
 *
 *   npx tsx scripts/ship-int8-model.ts --from QUANTIZED.onnx --out resources/models/srcnn-x3-int8.onnx \
 *     [--eval set5.json] [--eval set14.json]
 *
 * Used by scripts/train-defaults.sh ship-int8, which also measures the float32 parent in the same run.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { writeFileAtomicSync } from '../src/engine/imaging/atomic-write.ts';
import { withModelMeta } from '../src/engine/models/model-bytes.ts';
import { readModelMeta } from '../src/engine/models/model-meta-io.ts';
import type { ModelMeta } from '../src/shared/model-meta.ts';
import { scoresFromEval } from './eval-scores.ts';

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    out: { type: 'string' },
    eval: { type: 'string', multiple: true },
  },
});

function fail(message: string): never {
  process.stderr.write(`ship-int8-model: ${message}\n`);
  process.exit(2);
}

if (!values.from || !values.out) fail('--from and --out are required');
const bytes = readFileSync(values.from);
const source = readModelMeta(bytes, values.from) ?? fail(`${values.from} has no SR Studio metadata`);
const lineage = source.quantizedFrom ?? fail(`${values.from} is not a quantised model (no quantizedFrom)`);
const family = source.architecture.split('-')[0].toUpperCase();
const meta: ModelMeta = {
  ...source,
  name: `${family} ×${source.scale} int8 (${source.architecture}, bundled with SR Studio)`,
  provenance: `SR Studio's bundled int8 variant of ${lineage.id}. ${source.provenance}`.slice(0, 4000),
  scores: scoresFromEval(values.eval ?? [], source.scale, source.scores, fail),
};
writeFileAtomicSync(values.out, [withModelMeta(bytes, meta, values.from)]);
process.stdout.write(`${values.out}: ${meta.id} — ${meta.name}\n${JSON.stringify(meta.scores)}\n`);
