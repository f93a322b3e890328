import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSrError, type SrError } from '../../../src/engine/errors.ts';
import { importModel } from '../../../src/engine/models/import-model.ts';
import { readModelMeta } from '../../../src/engine/models/model-meta-io.ts';
import { defaultModelFor, deleteModel, listModels, loadModel, type ModelProblem } from '../../../src/engine/models/registry.ts';
import { releaseSessions } from '../../../src/engine/models/session.ts';
import { GraphBuilder } from '../../../src/engine/onnx/graph-builder.ts';
import { DataType } from '../../../src/engine/onnx/proto.ts';
import { tempDir } from '../../helpers/models-photo.ts';
import { tinyModelMeta, writeTinyModel } from '../../helpers/models-tiny.ts';

let root: string;
let inbox: string;
let builtinDir: string;
let stateDir: string;
beforeAll(() => {
  root = tempDir('srs-registry-');
  inbox = path.join(root, 'inbox');
  builtinDir = path.join(root, 'builtin');
  stateDir = path.join(root, 'state');
  fs.mkdirSync(inbox);
  fs.mkdirSync(builtinDir);
});
afterAll(async () => {
  await releaseSessions();
  fs.rmSync(root, { recursive: true, force: true });
});

const dirs = () => ({ stateDir, builtinDir });

async function rejection(promise: Promise<unknown>): Promise<SrError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isSrError(error)) throw new Error(`expected an SrError, got ${String(error)}`);
  return error;
}

function writeGraph(name: string, build: (g: GraphBuilder) => void, floatType: 'float32' | 'float64' = 'float32'): string {
  const g = new GraphBuilder(floatType);
  build(g);
  const file = path.join(inbox, name);
  fs.writeFileSync(file, g.toModel());
  return file;
}

describe('importModel measures what a foreign model does', () => {
  const expectations = [
    { kind: 'y-lr', scale: 3, colorMode: 'y', inputKind: 'lr', halo: 1 },
    { kind: 'rgb-lr', scale: 2, colorMode: 'rgb', inputKind: 'lr', halo: 1 },
    { kind: 'y-upsampled-same', scale: 2, colorMode: 'y', inputKind: 'upsampled', halo: 3 },
    { kind: 'y-upsampled-valid', scale: 4, colorMode: 'y', inputKind: 'upsampled', halo: 3 },
    { kind: 'rgb-upsampled', scale: 2, colorMode: 'rgb', inputKind: 'upsampled', halo: 1 },
  ] as const;
  for (const e of expectations) {
    it(`${e.kind} ×${e.scale}: ${e.colorMode}, ${e.inputKind}, halo ${e.halo}`, async () => {
      const file = await writeTinyModel(inbox, e.kind, { scale: e.scale, withMeta: false, id: `Foreign ${e.kind} X${e.scale}` });
      const scale = e.inputKind === 'upsampled' ? e.scale : undefined;
      const model = await importModel(file, dirs(), { scale });
      expect(model.source).toBe('user');
      expect(model.meta).toMatchObject({
        scale: e.scale,
        colorMode: e.colorMode,
        inputKind: e.inputKind,
        halo: e.halo,
        architecture: 'imported',
      });
      // The id comes from the file name, made valid.
      expect(model.meta.id).toBe(`foreign-${e.kind}-x${e.scale}`);
      expect(model.path).toBe(path.join(stateDir, 'models', `${model.meta.id}.onnx`));
      // The copy carries the metadata; the original is untouched.
      expect(readModelMeta(fs.readFileSync(model.path))).toEqual(model.meta);
      expect(readModelMeta(fs.readFileSync(file))).toBeUndefined();
    });
  }

  it('keeps the declared name and architecture of a model that has SR Studio metadata, with --id and --name overriding', async () => {
    const file = await writeTinyModel(inbox, 'y-lr', { scale: 2, id: 'declared' });
    const model = await importModel(file, dirs(), { id: 'renamed-x2', name: 'My ×2' });
    expect(model.meta).toMatchObject({ id: 'renamed-x2', name: 'My ×2', architecture: tinyModelMeta('y-lr').architecture, scale: 2 });
  });

  it('needs --scale for an upsampled model without metadata, and says so', async () => {
    const file = await writeTinyModel(inbox, 'y-upsampled-same', { withMeta: false, id: 'noscale' });
    const error = await rejection(importModel(file, dirs()));
    expect(error.code).toBe('BAD_ARGUMENT');
    expect(error.message).toContain('scale cannot be measured');
    expect(error.hint).toContain('--scale');
  });

  it('refuses a duplicate id', async () => {
    const file = await writeTinyModel(inbox, 'y-lr', { scale: 2, id: 'dup' });
    await importModel(file, dirs());
    const error = await rejection(importModel(file, dirs()));
    expect(error.message).toContain('already exists');
    expect(error.hint).toContain('--id');
  });

  it('rejects, with a reason, what it cannot use', async () => {
    const cases: [string, string, RegExp][] = [
      [
        writeGraph('two-inputs.onnx', (g) => {
          const a = g.input('a', ['N', 1, 'H', 'W']);
          const b = g.input('b', ['N', 1, 'H', 'W']);
          g.op('Add', [a, b], {}, 'y');
          g.output('y', ['N', 1, 'H', 'W']);
        }),
        'BAD_MODEL',
        /has 2 inputs/,
      ],
      [
        writeGraph('two-outputs.onnx', (g) => {
          const a = g.input('a', ['N', 1, 'H', 'W']);
          g.op('Identity', [a], {}, 'y');
          g.op('Neg', [a], {}, 'z');
          g.output('y', ['N', 1, 'H', 'W']);
          g.output('z', ['N', 1, 'H', 'W']);
        }),
        'BAD_MODEL',
        /has 2 outputs/,
      ],
      [
        writeGraph(
          'double.onnx',
          (g) => {
            const a = g.input('a', ['N', 1, 'H', 'W']);
            g.op('Identity', [a], {}, 'y');
            g.output('y', ['N', 1, 'H', 'W']);
          },
          'float64',
        ),
        'BAD_MODEL',
        /input is float64, not float32/,
      ],
      [
        writeGraph('uint8.onnx', (g) => {
          const a = g.input('a', ['N', 3, 'H', 'W'], DataType.UINT8);
          g.op('Identity', [a], {}, 'y');
          g.output('y', ['N', 3, 'H', 'W'], DataType.UINT8);
        }),
        'BAD_MODEL',
        /input is uint8/,
      ],
      [
        writeGraph('fixed-size.onnx', (g) => {
          const a = g.input('a', [1, 1, 64, 64]);
          g.op('Identity', [a], {}, 'y');
          g.output('y', [1, 1, 64, 64]);
        }),
        'BAD_MODEL',
        /input size is fixed \(64×64\)/,
      ],
      [
        writeGraph('x1.5.onnx', (g) => {
          const a = g.input('a', ['N', 1, 'H', 'W']);
          g.op('Resize', [a, '', g.constant([4], [1, 1, 1.5, 1.5])], { mode: 'nearest' }, 'y');
          g.output('y', ['N', 1, 'H2', 'W2']);
        }),
        'BAD_MODEL',
        /not an integer scale/,
      ],
      [
        // Crashes at run time for any size but 24×24: a Reshape to a fixed element count.
        writeGraph('crashes.onnx', (g) => {
          const a = g.input('a', ['N', 1, 'H', 'W']);
          g.op('Reshape', [a, g.ints([1, 1, 24, 24])], {}, 'y');
          g.output('y', ['N', 1, 'H', 'W']);
        }),
        'BAD_MODEL',
        /failed on a 1×1×32×32 test input/,
      ],
      [
        writeGraph('four-channels.onnx', (g) => {
          const a = g.input('a', ['N', 4, 'H', 'W']);
          g.op('Identity', [a], {}, 'y');
          g.output('y', ['N', 4, 'H', 'W']);
        }),
        'BAD_MODEL',
        /takes 4 channels/,
      ],
    ];
    fs.writeFileSync(path.join(inbox, 'junk.onnx'), 'this is not a model');
    cases.push([path.join(inbox, 'junk.onnx'), 'BAD_MODEL', /not a readable ONNX model/]);
    cases.push([path.join(inbox, 'missing.onnx'), 'NOT_FOUND', /No such file/]);
    for (const [file, code, pattern] of cases) {
      const error = await rejection(importModel(file, dirs(), { scale: 2 }));
      expect(error.code, file).toBe(code);
      expect(error.message, file).toMatch(pattern);
      expect(error.message, file).toContain(file);
    }
    // None of them left a file behind.
    expect(fs.readdirSync(path.join(stateDir, 'models')).filter((n) => /two|double|uint8|fixed|x1\.5|crashes|four|junk/.test(n))).toEqual(
      [],
    );
  });
});

describe('listing, loading, deleting', () => {
  it('lists built-in and user models, reports broken files without hiding the rest', async () => {
    await writeTinyModel(builtinDir, 'y-upsampled-same', { scale: 3, id: 'srcnn-builtin-x3' });
    fs.writeFileSync(path.join(builtinDir, 'broken.onnx'), 'nope');
    const problems: ModelProblem[] = [];
    const models = await listModels(dirs(), (p) => problems.push(p));
    const builtin = models.find((m) => m.meta.id === 'srcnn-builtin-x3');
    expect(builtin?.source).toBe('builtin');
    expect(models.filter((m) => m.source === 'user').length).toBeGreaterThanOrEqual(5);
    expect(problems.map((p) => path.basename(p.path))).toContain('broken.onnx');
  });

  it('reads a file again once it changed, even in place (metadata is kept per file only while it stays the same)', async () => {
    const dir = tempDir('srs-relist-');
    try {
      const only = { stateDir: dir, builtinDir: dir };
      const file = await writeTinyModel(dir, 'y-lr', { scale: 2, id: 'changing', architecture: 'first' });
      expect((await listModels(only)).map((m) => m.meta.architecture)).toEqual(['first']);
      // Rewritten in place (same inode), as an editor or a copy over it would: new bytes, new mtime.
      const other = path.join(dir, 'elsewhere', 'changing.onnx');
      await writeTinyModel(path.dirname(other), 'y-lr', { scale: 2, id: 'changing', architecture: 'second-and-longer' });
      fs.writeFileSync(file, fs.readFileSync(other));
      fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
      expect((await listModels(only)).map((m) => m.meta.architecture)).toEqual(['second-and-longer']);
      fs.writeFileSync(file, 'not a model any more');
      const problems: ModelProblem[] = [];
      expect(await listModels(only, (p) => problems.push(p))).toEqual([]);
      expect(problems.map((p) => path.basename(p.path))).toEqual(['changing.onnx']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads by id, by path (a foreign file is measured on the fly), and explains unknown ids', async () => {
    expect((await loadModel('foreign-y-lr-x3', dirs())).meta.scale).toBe(3);
    const foreign = await writeTinyModel(inbox, 'rgb-lr', { scale: 3, withMeta: false, id: 'by-path' });
    const byPath = await loadModel(foreign, dirs());
    expect(byPath).toMatchObject({ source: 'file', path: foreign, meta: { scale: 3, colorMode: 'rgb', inputKind: 'lr' } });
    const error = await rejection(loadModel('nope', dirs()));
    expect(error.code).toBe('UNKNOWN_MODEL');
    expect(error.hint).toContain('foreign-y-lr-x3');
  });

  it('deletes user models only', async () => {
    const removed = await deleteModel('foreign-rgb-lr-x2', dirs());
    expect(fs.existsSync(removed.path)).toBe(false);
    expect((await rejection(loadModel('foreign-rgb-lr-x2', dirs()))).code).toBe('UNKNOWN_MODEL');
    const error = await rejection(deleteModel('srcnn-builtin-x3', dirs()));
    expect(error.message).toContain('built-in');
    expect(fs.existsSync(path.join(builtinDir, 'srcnn-builtin-x3.onnx'))).toBe(true);
  });

  it('defaultModelFor: without a bundled model for the scale, NO_DEFAULT_MODEL tells the user to pass --model', async () => {
    const empty = tempDir('srs-nodefault-');
    try {
      const error = await rejection(defaultModelFor(2, { stateDir: empty, builtinDir: path.join(empty, 'none') }));
      expect(error.code).toBe('NO_DEFAULT_MODEL');
      expect(error.message).toContain('×2');
      expect(error.hint).toContain('--model PATH|ID');
      // The repository's own resources/models ships a photo model per scale, the default; ×5 has none.
      expect((await defaultModelFor(3, { stateDir: empty })).meta.id).toBe('photo-x3');
      expect((await rejection(defaultModelFor(5, { stateDir: empty }))).code).toBe('NO_DEFAULT_MODEL');
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('defaultModelFor picks a bundled SRCNN of that scale when there is one', async () => {
    const dir = tempDir('srs-default-');
    try {
      await writeTinyModel(dir, 'y-upsampled-same', { scale: 2, id: 'srcnn-915-x2', architecture: 'srcnn-9-1-5' });
      await writeTinyModel(dir, 'y-upsampled-same', { scale: 2, id: 'srcnn-955-x2', architecture: 'srcnn-9-5-5' });
      await writeTinyModel(dir, 'y-upsampled-same', { scale: 3, id: 'srcnn-955-x3', architecture: 'srcnn-9-5-5' });
      await writeTinyModel(dir, 'y-lr', { scale: 2, id: 'espcn-x2', architecture: 'espcn' });
      const model = await defaultModelFor(2, { stateDir: dir, builtinDir: dir });
      expect(model.meta.id).toBe('srcnn-955-x2');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
