import { MODEL_META_KEY, ModelMeta } from '../../../shared/model-meta.ts';
import { SrError } from '../../errors.ts';
import { GraphBuilder } from '../../onnx/graph-builder.ts';
import { type ArchSpec, archName, inputKindOf, paramSpecs, receptiveRadius } from '../architectures.ts';
import { emitBicubicUpsample } from './bicubic-skip.ts';
import { networkOf } from './layers.ts';

/**
 * The inference model for trained weights: input `input` [N,1,H,W] (any N, H, W), output `output`, values in
 * [0,1] and NOT clipped (the pipeline clips after blending tiles).
 *
 * SRCNN is always exported with 'same' zero padding, even when trained 'valid', so the output has the input's
 * size. Zero padding makes the outermost `halo` pixels differ from what training saw; that is harmless because
 * the tiler gives every tile a halo of at least the receptive radius (meta.halo), and the photo border itself is
 * replicate-padded by the pipeline before tiling, so those zero-padded pixels are always cropped away.
 */
export function buildInferenceModel(arch: ArchSpec, params: Map<string, Float32Array>, meta: ModelMeta): Uint8Array {
  const checkedMeta = ModelMeta.safeParse(meta);
  if (!checkedMeta.success) {
    const issue = checkedMeta.error.issues[0];
    throw new SrError(
      'BAD_ARGUMENT',
      `Model metadata is invalid at '${issue.path.join('.')}': ${issue.message}`,
      'Fix the metadata and export again.',
    );
  }
  checkMetaFits(arch, checkedMeta.data);
  const exported: ArchSpec = arch.kind === 'srcnn' ? { ...arch, padding: 'same' as const } : arch;
  const g = new GraphBuilder('float32');
  for (const spec of paramSpecs(exported)) {
    const values = params.get(spec.name);
    const count = spec.shape.reduce((a, b) => a * b, 1);
    if (!values || values.length !== count) {
      throw new SrError(
        'BAD_ARGUMENT',
        `Weights for ${archName(arch)} are missing '${spec.name}' or it has the wrong size (${values?.length ?? 0} values, expected ${count})`,
        'Export from a checkpoint of the same architecture.',
      );
    }
    g.initializer(spec.name, spec.shape, values);
  }
  const input = g.input('input', ['N', 1, 'H', 'W']);
  let current = input;
  for (const layer of networkOf(exported).layers) {
    switch (layer.type) {
      case 'conv': {
        const p = layer.pad;
        current = g.op('Conv', [current, `${layer.name}.w`, `${layer.name}.b`], { kernel_shape: [layer.k, layer.k], pads: [p, p, p, p] });
        break;
      }
      case 'deconv': {
        const { k, stride, pad, outputPadding } = layer;
        current = g.op('ConvTranspose', [current, `${layer.name}.w`, `${layer.name}.b`], {
          kernel_shape: [k, k],
          strides: [stride, stride],
          pads: [pad, pad, pad, pad],
          output_padding: [outputPadding, outputPadding],
        });
        break;
      }
      case 'relu':
        current = g.op('Relu', [current]);
        break;
      case 'prelu':
        current = g.op('PRelu', [current, `${layer.name}.a`]);
        break;
      case 'tanh':
        current = g.op('Tanh', [current]);
        break;
      case 'depthToSpace':
        current = g.op('DepthToSpace', [current], { blocksize: layer.blocksize, mode: 'CRD' });
        break;
    }
  }
  // Same padding keeps the size, so the global residual adds the whole input.
  const { skip } = networkOf(exported);
  if (skip === 'input') current = g.op('Add', [current, input]);
  if (skip === 'bicubic') current = g.op('Add', [current, emitBicubicUpsample(g, input, arch.scale)]);
  g.op('Identity', [current], {}, 'output');
  const outScale = arch.kind === 'srcnn' ? 1 : arch.scale;
  g.output('output', ['N', 1, outScale === 1 ? 'H' : `H*${outScale}`, outScale === 1 ? 'W' : `W*${outScale}`]);
  return g.toModel({ [MODEL_META_KEY]: JSON.stringify(checkedMeta.data) }, archName(arch));
}

/** The metadata drives the pipeline (input kind, scale, tile halo), so it must describe this network. */
function checkMetaFits(arch: ArchSpec, meta: ModelMeta): void {
  const hint = 'Build the metadata from the architecture (inputKindOf, receptiveRadius, its scale).';
  const problems: string[] = [];
  if (meta.scale !== arch.scale) problems.push(`scale ${meta.scale} ≠ ${arch.scale}`);
  if (meta.inputKind !== inputKindOf(arch)) problems.push(`inputKind '${meta.inputKind}' ≠ '${inputKindOf(arch)}'`);
  if (meta.colorMode !== 'y') problems.push(`colorMode '${meta.colorMode}' (these networks see one channel: 'y')`);
  if (meta.halo < receptiveRadius(arch)) problems.push(`halo ${meta.halo} < receptive radius ${receptiveRadius(arch)}`);
  if (problems.length > 0) throw new SrError('BAD_ARGUMENT', `Model metadata does not fit ${archName(arch)}: ${problems.join('; ')}`, hint);
}
