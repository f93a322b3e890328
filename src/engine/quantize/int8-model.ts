import { SrError } from '../errors.ts';
import { EditableGraph } from '../onnx/editable-graph.ts';
import type { RangeMethod } from './activation-range.ts';
import { type CalibrationPatches, calibrateRanges } from './calibrate.ts';
import { type ConvSite, checkQuantisable, convSites } from './conv-sites.ts';
import { phaseBlock, rewriteAsPhaseConv } from './phase-conv.ts';
import { type Int8Layer, insertQdq, int8Layer } from './qdq.ts';

/**
 * The int8 (QDQ) model of a float32 model, in two steps: `calibrateInt8` rewrites every convolution that can run
 * in int8 (narrow ones in phase form, phase-conv.ts) and calibrates their activations once; `buildInt8` then emits
 * the model for any subset of those layers, which is what the quality search (quantize-model.ts) tries. Everything
 * else is the float model's own graph, unchanged: the bicubic skip, the photo graph's rounding and the tiling
 * stay exact, and only the quantised layers' numbers change.
 */

/** What became of one convolution of the float model. */
export interface LayerReport {
  /** The node's name in the float model. */
  name: string;
  op: 'Conv' | 'ConvTranspose';
  /** e.g. "64→32 5×5", "56→1 9×9 /3". */
  shape: string;
  precision: 'int8' | 'float32';
  /** Phase form (phase-conv.ts): the block stride, or 0. */
  phaseBlock: number;
  /** Why it stays float32. */
  reason?: string;
}

export interface Int8Calibration {
  source: string;
  floatModel: Uint8Array;
  /** Every convolution, int8-capable or not, in graph order. */
  layers: LayerReport[];
  /** Calibrated ranges of every activation an int8-capable layer reads or writes. */
  ranges: Map<string, [number, number]>;
}

const nameOf = (site: ConvSite) => site.node.name || site.node.output[0];

function describe(site: ConvSite): LayerReport {
  const stride = site.strides[0] > 1 ? ` /${site.strides[0]}` : '';
  return {
    name: nameOf(site),
    op: site.transposed ? 'ConvTranspose' : 'Conv',
    shape: `${site.inChannels}→${site.outChannels} ${site.kernel.join('×')}${stride}`,
    precision: 'float32',
    phaseBlock: 0,
    reason: site.keepFloat,
  };
}

/**
 * Rewrites the layers named in `int8` for int8 in `graph` (phase form where narrow) and returns them with their
 * reports. A ConvTranspose without a phase form stays float: ONNX Runtime has no int8 kernel for it.
 */
function prepare(graph: EditableGraph, int8: (site: ConvSite) => boolean): { layers: Int8Layer[]; reports: LayerReport[] } {
  const layers: Int8Layer[] = [];
  const reports: LayerReport[] = [];
  for (const site of convSites(graph)) {
    const report = describe(site);
    reports.push(report);
    if (report.reason || !int8(site)) continue;
    const block = phaseBlock(site);
    const phased = block > 0 ? rewriteAsPhaseConv(graph, site, block) : undefined;
    if (site.transposed && !phased) {
      report.reason = 'its padding has no phase form, and ONNX Runtime has no int8 ConvTranspose kernel';
      continue;
    }
    report.precision = 'int8';
    report.phaseBlock = phased ? block : 0;
    layers.push(int8Layer(graph, phased ?? site.node));
  }
  return { layers, reports };
}

/** Checks the model, and calibrates every int8-capable layer's activations on `patches`. */
export async function calibrateInt8(
  floatModel: Uint8Array,
  source: string,
  patches: CalibrationPatches,
  method: RangeMethod,
): Promise<Int8Calibration> {
  const graph = EditableGraph.decode(floatModel);
  checkQuantisable(graph, source);
  const { layers, reports } = prepare(graph, () => true);
  if (layers.length === 0) {
    const why = reports.map((r) => `${r.name}: ${r.reason}`).join('; ') || 'it has no Conv or ConvTranspose';
    throw new SrError(
      'BAD_MODEL',
      `${source} has no convolution that can run in int8 (${why})`,
      'Int8 speeds up convolutions with constant weights between hidden layers; this model has none.',
      source,
    );
  }
  const tensors = [...new Set(layers.flatMap((l) => [l.input, l.output]))];
  const ranges = await calibrateRanges(graph.encode(), tensors, patches, method);
  return { source, floatModel, layers: reports.map((r) => ({ ...r, precision: 'float32', phaseBlock: 0 })), ranges };
}

/** The int8 model with every int8-capable layer quantised except those named in `keepFloat`. */
export function buildInt8(
  calibration: Int8Calibration,
  keepFloat: ReadonlySet<string> = new Set(),
): { bytes: Uint8Array; layers: LayerReport[] } {
  const graph = EditableGraph.decode(calibration.floatModel);
  const { layers, reports } = prepare(graph, (site) => !keepFloat.has(nameOf(site)));
  for (const report of reports) {
    if (keepFloat.has(report.name) && !report.reason) report.reason = 'kept in float32 to stay within the quality budget';
  }
  insertQdq(graph, layers, calibration.ranges);
  graph.model.producerName = 'sr-studio';
  return { bytes: graph.encode(), layers: reports };
}

/** Names of the layers that can run in int8. */
export function int8Capable(calibration: Int8Calibration): string[] {
  return calibration.layers.filter((l) => !l.reason).map((l) => l.name);
}
