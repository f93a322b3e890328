import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerUpscaleCommand } from '../../src/cli/commands/upscale.ts';
import { defaultOutputFolder } from '../../src/cli/default-output.ts';
import { formatDuration } from '../../src/cli/format-duration.ts';

/** Parses `srstudio upscale ...args` in-process: argument errors are thrown before any store, model or file is touched. */
async function parseUpscale(args: string[]): Promise<unknown> {
  const program = new Command().exitOverride();
  registerUpscaleCommand(program);
  return program.parseAsync(['node', 'srstudio', 'upscale', ...args]).then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('srstudio upscale arguments', () => {
  it.each([
    [['in', '-o', 'out', '--skip-existing', '--overwrite'], /--skip-existing and --overwrite contradict/],
    [['in', '-o', 'out', '--format', 'bmp'], /Unknown --format "bmp"/],
    [['in', '-o', 'out', '--scale', 'two'], /--scale must be a positive number/],
    [['in', '-o', 'out', '--width', '10.5'], /--width must be a positive whole number/],
    [['in', '-o', 'out', '--device', 'tpu'], /Unknown --device "tpu"/],
    [['-o', 'out'], /No inputs given/],
    [['--resume', '-o', 'out'], /--out alone cannot be matched or changed/],
    [['--resume', '0'], /--resume takes a job id/],
    [['in', '-o', 'out', '--pipeline', 'maybe'], /--pipeline takes on or off/],
    [['in', '-o', 'out', '--threads', '0:1'], /--threads takes auto, or ONNX Runtime threads and sharp threads/],
    [['in', '-o', 'out', '--threads', 'two'], /--threads takes auto/],
    [['in', '-o', 'out', '--pipeline', 'off', '--threads', '2:1'], /--threads sets the pipeline/],
    [['in', '-o', 'out', '--png-compression', '10'], /--png-compression takes a whole number from 0 to 9/],
    [['in', '-o', 'out', '--png-compression', '-1'], /--png-compression takes a whole number from 0 to 9/],
    [['in', '-o', 'out', '--max-pixels', '0'], /--max-pixels must be a positive whole number/],
    [['in', '-o', 'out', '--max-pixels', '1.5'], /--max-pixels must be a positive whole number/],
    [['--resume', '--max-pixels', '5000'], /--max-pixels alone cannot be matched or changed/],
  ])('refuses %j with a clear message', async (args, message) => {
    const error = await parseUpscale(args);
    expect(error).toMatchObject({ name: 'SrError', code: 'BAD_ARGUMENT', message: expect.stringMatching(message) });
  });

  it('writes beside a single input folder when no -o is given, else to ./upscaled', () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-default-out-'));
    try {
      fs.mkdirSync(path.join(cwd, 'trip'));
      fs.writeFileSync(path.join(cwd, 'one.png'), '');
      expect(defaultOutputFolder(['trip/'], cwd)).toBe(path.join(cwd, 'trip-upscaled'));
      expect(defaultOutputFolder(['one.png'], cwd)).toBe(path.join(cwd, 'upscaled'));
      expect(defaultOutputFolder(['trip', 'one.png'], cwd)).toBe(path.join(cwd, 'upscaled'));
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('formats durations for people', () => {
    expect(formatDuration(null)).toBe('–');
    expect(formatDuration(4.24)).toBe('4.2 s');
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
  });
});
