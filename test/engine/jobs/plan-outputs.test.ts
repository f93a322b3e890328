import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type NamingOptions, outputExistsError, planOutputs } from '../../../src/engine/jobs/plan-outputs.ts';
import { makeJobsTempDir, touchFile } from '../../helpers/jobs-fs.ts';

const out = path.resolve('/out');
const options: NamingOptions = {
  outDir: out,
  nameTemplate: '{name}_x{scale}',
  format: 'png',
  scaleLabel: '2',
  modelId: 'm',
  existing: 'refuse',
};
const nothingExists = () => false;

describe('planOutputs', () => {
  it('gives same-named inputs from different folders distinct outputs, in sorted input order', () => {
    const files = ['/in/a/photo.jpg', '/in/b/photo.jpg', '/in/c/PHOTO.png'].map((input) => ({ input, relativeDir: '' }));
    const plan = planOutputs(files, options, nothingExists);
    expect(plan.items.map((i) => path.basename(i.output))).toEqual(['photo_x2.png', 'photo_x2 (2).png', 'PHOTO_x2 (3).png']);
    expect(plan.conflicts).toEqual([]);
    // Planning again maps the same way: a resume or a re-run writes the same files.
    expect(planOutputs(files, options, nothingExists)).toEqual(plan);
  });

  it('mirrors relative folders, and never plans an output on top of an input', () => {
    const files = [
      { input: '/out/p.png', relativeDir: '' },
      { input: '/in/trip/q.jpg', relativeDir: 'trip/day1' },
    ];
    const plan = planOutputs(files, { ...options, nameTemplate: '{name}' }, nothingExists);
    expect(plan.items.map((i) => i.output)).toEqual([path.join(out, 'p (2).png'), path.join(out, 'trip', 'day1', 'q.png')]);
  });

  it('never plans an output on an input reached through a symlinked output folder, whatever the policy', () => {
    const tmp = makeJobsTempDir('srstudio-plan-links-');
    try {
      const input = touchFile(path.join(tmp.dir, 'in', 'photo.jpg'));
      fs.symlinkSync(path.join(tmp.dir, 'in'), path.join(tmp.dir, 'out_sym'));
      const files = [{ input, relativeDir: '' }];
      for (const existing of ['refuse', 'skip', 'overwrite'] as const) {
        const plan = planOutputs(files, {
          ...options,
          outDir: path.join(tmp.dir, 'out_sym'),
          nameTemplate: '{name}',
          format: 'keep',
          existing,
        });
        expect(plan.items).toEqual([{ input, output: path.join(tmp.dir, 'out_sym', 'photo (2).jpg'), status: 'pending' }]);
      }
      // An input that is itself a link to a photo in that folder: the photo it leads to is kept free too.
      const link = path.join(tmp.dir, 'other', 'photo.jpg');
      fs.mkdirSync(path.dirname(link));
      fs.symlinkSync(input, link);
      const viaLink = planOutputs([{ input: link, relativeDir: '' }], {
        ...options,
        outDir: path.join(tmp.dir, 'out_sym'),
        nameTemplate: '{name}',
        format: 'keep',
        existing: 'overwrite',
      });
      expect(viaLink.items[0].output).toBe(path.join(tmp.dir, 'out_sym', 'photo (2).jpg'));
    } finally {
      tmp.cleanup();
    }
  });

  it('applies the existing-file policy: refuse lists conflicts, skip skips with a reason, overwrite plans them', () => {
    const files = [{ input: '/in/a.jpg', relativeDir: '' }];
    const exists = (p: string) => p === path.join(out, 'a_x2.png');
    expect(planOutputs(files, options, exists).conflicts).toEqual([path.join(out, 'a_x2.png')]);
    const skipped = planOutputs(files, { ...options, existing: 'skip' }, exists);
    expect(skipped.items[0]).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/already exists/) });
    const replaced = planOutputs(files, { ...options, existing: 'overwrite' }, exists);
    expect(replaced.items[0]).toMatchObject({ status: 'pending', output: path.join(out, 'a_x2.png') });
    expect(replaced.conflicts).toEqual([]);
  });

  it('takes an input named as another input output for an earlier output: left out, and the policy applies to it', () => {
    const s = path.resolve('/s');
    const files = ['photo.jpg', 'photo_x2.jpg', 'photo_x2_x2.jpg'].map((name) => ({ input: path.join(s, name), relativeDir: '' }));
    const exists = (p: string) => files.some((f) => f.input === p);
    const same = { ...options, outDir: s, format: 'keep' as const };

    const refused = planOutputs(files, same, exists);
    expect(refused.conflicts).toEqual([path.join(s, 'photo_x2.jpg')]);
    expect(refused.earlierOutputs).toEqual([
      {
        input: path.join(s, 'photo_x2.jpg'),
        reason: `an earlier output of ${path.join(s, 'photo.jpg')} (it has the name of that photo's output); not upscaled again`,
      },
      { input: path.join(s, 'photo_x2_x2.jpg'), reason: expect.stringContaining(`an earlier output of ${path.join(s, 'photo_x2.jpg')}`) },
    ]);
    expect(planOutputs(files, { ...same, existing: 'skip' }, exists).items).toEqual([
      {
        input: path.join(s, 'photo.jpg'),
        output: path.join(s, 'photo_x2.jpg'),
        status: 'skipped',
        reason: expect.stringMatching(/already exists/),
      },
    ]);
    expect(planOutputs(files, { ...same, existing: 'overwrite' }, exists).items).toEqual([
      { input: path.join(s, 'photo.jpg'), output: path.join(s, 'photo_x2.jpg'), status: 'pending' },
    ]);
    // Another folder, or its own name (`{name}`), is no earlier output: those stay inputs.
    expect(planOutputs(files, { ...same, outDir: out }, () => false).earlierOutputs).toEqual([]);
    expect(planOutputs(files, { ...same, nameTemplate: '{name}' }, exists).earlierOutputs).toEqual([]);
  });

  it('explains a refusal with the files and both ways on', () => {
    const error = outputExistsError(['/o/1.png', '/o/2.png', '/o/3.png', '/o/4.png', '/o/5.png', '/o/6.png']);
    expect(error.code).toBe('OUTPUT_EXISTS');
    expect(error.message).toMatch(/^6 output files already exist: \/o\/1\.png.*and 1 more$/);
    expect(error.hint).toMatch(/--skip-existing.*--overwrite/);
  });
});
