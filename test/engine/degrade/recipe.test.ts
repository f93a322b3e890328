import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isClean, PRESET_NAMES, preset, resolveDegradation } from '../../../src/engine/degrade/index.ts';
import { RecipeSchema } from '../../../src/engine/degrade/recipe.ts';
import { isSrError } from '../../../src/engine/errors.ts';
import { REPO_ROOT } from '../../helpers/electron-build.ts';

const dir = mkdtempSync(join(tmpdir(), 'srstudio-recipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
}

async function failure(spec: string): Promise<{ code: string; message: string; hint?: string }> {
  try {
    await resolveDegradation(spec);
  } catch (error) {
    if (isSrError(error)) return { code: error.code, message: error.message, hint: error.hint };
    throw error;
  }
  throw new Error(`${spec} was accepted`);
}

describe('degradation recipes', () => {
  it('every preset validates, and only clean is the protocol', async () => {
    for (const name of PRESET_NAMES) {
      const { recipe } = await resolveDegradation(name);
      expect(RecipeSchema.safeParse(recipe).success).toBe(true);
      expect(isClean(recipe)).toBe(name === 'clean');
    }
  });

  it('the presets cover blur σ 0.2–3, noise σ 0–15 and JPEG quality 40–95 between them', () => {
    const stages = PRESET_NAMES.flatMap((name) => preset(name).recipe.stages);
    const low = (pick: (s: (typeof stages)[number]) => readonly [number, number] | undefined) =>
      Math.min(...stages.map((s) => pick(s)?.[0] ?? Number.POSITIVE_INFINITY));
    const high = (pick: (s: (typeof stages)[number]) => readonly [number, number] | undefined) =>
      Math.max(...stages.map((s) => pick(s)?.[1] ?? Number.NEGATIVE_INFINITY));
    expect(low((s) => s.blur?.sigma)).toBeLessThanOrEqual(0.2);
    expect(high((s) => s.blur?.sigma)).toBeGreaterThanOrEqual(3);
    expect(low((s) => s.noise?.sigma)).toBeLessThanOrEqual(0);
    expect(high((s) => s.noise?.sigma)).toBeGreaterThanOrEqual(15);
    expect(low((s) => s.jpeg?.quality)).toBeLessThanOrEqual(40);
    expect(high((s) => s.jpeg?.quality)).toBeGreaterThanOrEqual(95);
  });

  it('the recipes the docs and the models use (docs/recipes) all validate, each under its own file name', async () => {
    const folder = join(REPO_ROOT, 'docs', 'recipes');
    const names = readdirSync(folder).filter((n) => n.endsWith('.json'));
    expect(names).toEqual(expect.arrayContaining(['camera-check.json', 'photo-sharpened.json', 'phone-sharpened.json']));
    for (const fileName of names) {
      const { name, recipe } = await resolveDegradation(join(folder, fileName));
      expect(name, fileName).toBe(fileName.replace(/\.json$/, ''));
      expect(isClean(recipe), fileName).toBe(false);
    }
  });

  it('reads a recipe file, named by its own name or else its file name', async () => {
    const body = { ...preset('photo').recipe, name: undefined };
    const named = await resolveDegradation(file('mine.json', JSON.stringify({ ...body, name: 'my camera' })));
    expect(named.name).toBe('my camera');
    const unnamed = await resolveDegradation(file('phone.json', JSON.stringify(body)));
    expect(unnamed.name).toBe('phone');
    expect(unnamed.recipe.stages[0].jpeg?.quality).toEqual([50, 95]);
  });

  it('refuses malformed and out-of-range recipes with the place and the reason', async () => {
    const photo = preset('photo').recipe;
    const withStage = (patch: object) => JSON.stringify({ ...photo, stages: [{ ...photo.stages[0], ...patch }] });
    const cases: [string, string, RegExp][] = [
      ['broken.json', '{"version": 1, "stages": [', /not valid JSON/],
      ['zero.json', '', /recipe .*zero\.json is empty$/],
      ['blank.json', ' \n', /recipe .*blank\.json is empty$/],
      ['quality.json', withStage({ jpeg: { p: 1, quality: [40, 150] } }), /stages\.0\.jpeg\.quality\.1/],
      ['reversed.json', withStage({ blur: { ...photo.stages[0].blur, sigma: [3, 1] } }), /stages\.0\.blur\.sigma: .*low end/],
      ['probability.json', withStage({ noise: { ...photo.stages[0].noise, p: 1.5 } }), /stages\.0\.noise\.p/],
      ['unknown.json', withStage({ vignette: true }), /stages\.0: .*vignette/],
      ['sharpen.json', withStage({ sharpen: { p: 1, amount: [0.5, 5], radius: [1, 1] } }), /stages\.0\.sharpen\.amount\.1/],
      ['version.json', JSON.stringify({ ...photo, version: 2 }), /version/],
      ['empty.json', JSON.stringify({ version: 1, stages: [] }), /stages/],
      ['first.json', JSON.stringify({ ...photo, stages: [{ ...photo.stages[0], p: 0.5 }] }), /first stage always runs/],
      ['no-kernels.json', withStage({ blur: { ...photo.stages[0].blur, kernels: {} } }), /at least one blur kernel/],
    ];
    for (const [name, body, pattern] of cases) {
      const error = await failure(file(name, body));
      expect(error.code, name).toBe('BAD_ARGUMENT');
      expect(error.message, name).toMatch(pattern);
      expect(error.hint, name).toContain('photo');
    }
  });

  it('says what a name or a path that is neither means', async () => {
    expect(await failure('fotos')).toMatchObject({ code: 'BAD_ARGUMENT', message: "Unknown degradation 'fotos'" });
    expect((await failure(join(dir, 'missing.json'))).code).toBe('NOT_FOUND');
  });
});
