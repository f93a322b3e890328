import { describe, expect, it } from 'vitest';
import { outputFormatFor, renderName, validateNameTemplate } from '../../../src/engine/jobs/output-naming.ts';
import { estimateOutputSize, scaleLabel, UpscaleRequest } from '../../../src/engine/jobs/upscale-request.ts';

describe('output naming', () => {
  it('keeps the input format where it can be encoded, turns heic into jpeg and gif into png', () => {
    expect(outputFormatFor('/a/IMG_1.JPG', 'keep')).toEqual({ format: 'jpeg', extension: '.JPG' });
    expect(outputFormatFor('/a/scan.tif', 'keep')).toEqual({ format: 'tiff', extension: '.tif' });
    expect(outputFormatFor('/a/anim.gif', 'keep')).toEqual({ format: 'png', extension: '.png' });
    expect(outputFormatFor('/a/phone.heic', 'keep')).toEqual({ format: 'jpeg', extension: '.jpg' });
    expect(outputFormatFor('/a/IMG_0001.HEIF', 'keep')).toEqual({ format: 'jpeg', extension: '.jpg' });
    expect(outputFormatFor('/a/x.png', 'jpeg')).toEqual({ format: 'jpeg', extension: '.jpg' });
    expect(outputFormatFor('/a/x.jpeg', 'jpeg')).toEqual({ format: 'jpeg', extension: '.jpeg' });
    expect(outputFormatFor('/a/x.jpg', 'webp')).toEqual({ format: 'webp', extension: '.webp' });
  });

  it('fills {name} {scale} {ext} {model} and keeps the result a single file name', () => {
    const values = { name: 'beach', scale: '2', ext: 'jpg', model: 'srcnn/x2' };
    expect(renderName('{name}_x{scale}', values)).toBe('beach_x2');
    expect(renderName('{model}-{name}.{ext}', values)).toBe('srcnn_x2-beach.jpg');
    expect(renderName('{name}', { ...values, name: '' })).toBe('_');
  });

  it('refuses unknown placeholders and path separators before any work starts', () => {
    expect(() => validateNameTemplate('{name}_{size}')).toThrow(/Unknown placeholder \{size\}/);
    expect(() => validateNameTemplate('sub/{name}')).toThrow(/path separator/);
    expect(() => validateNameTemplate('{name}_x{scale}')).not.toThrow();
  });

  it('labels and estimates the output size for --scale, --width and --height', () => {
    expect(scaleLabel({ kind: 'scale', scale: 2 })).toBe('2');
    expect(scaleLabel({ kind: 'scale', scale: 1.5 })).toBe('1.5');
    expect(scaleLabel({ kind: 'width', width: 1920 })).toBe('w1920');
    expect(estimateOutputSize(100, 50, { kind: 'scale', scale: 3 })).toEqual({ width: 300, height: 150 });
    expect(estimateOutputSize(100, 50, { kind: 'width', width: 400 })).toEqual({ width: 400, height: 200 });
    expect(estimateOutputSize(100, 50, { kind: 'height', height: 25 })).toEqual({ width: 50, height: 25 });
  });

  it('rejects --width with --height, and --scale with a target size', () => {
    const base = { inputs: ['/a'], outDir: '/o' };
    expect(UpscaleRequest.safeParse({ ...base, width: 10, height: 10 }).success).toBe(false);
    expect(UpscaleRequest.safeParse({ ...base, scale: 2, width: 10 }).success).toBe(false);
    const ok = UpscaleRequest.parse({ ...base, scale: 3 });
    expect(ok).toMatchObject({ format: 'keep', existing: 'refuse', nameTemplate: '{name}_x{scale}', recursive: false });
  });
});
