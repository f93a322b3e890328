import fs from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { degrade, interpolationMethod } from '../../../src/engine/eval/protocol.ts';
import { resolveModelEvalMethod } from '../../../src/engine/models/eval-method.ts';
import { releaseSessions } from '../../../src/engine/models/session.ts';
import { photoLikeImage, psnr, tempDir } from '../../helpers/models-photo.ts';
import { writeTinyModel } from '../../helpers/models-tiny.ts';

const dir = tempDir('srs-evalmethod-');
afterAll(async () => {
  await releaseSessions();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('a Y identity model evaluated as a method reproduces the bicubic baseline', async () => {
  const file = await writeTinyModel(dir, 'y-identity', { scale: 3 });
  const method = await resolveModelEvalMethod(file, 3, { stateDir: dir, device: 'cpu' });
  expect(method.name).toBe('tiny-y-identity-x3');
  const hr = photoLikeImage(60, 45);
  const lr = degrade(hr, 3);
  const out = await method.reconstruct(lr, 3, 60, 45);
  const bicubic = await interpolationMethod('bicubic').reconstruct(lr, 3, 60, 45);
  expect([out.width, out.height, out.channels]).toEqual([60, 45, 3]);
  expect(psnr(out, bicubic)).toBeGreaterThan(50);
});

it('resolves ids from the state folder and names a non-native run', async () => {
  fs.mkdirSync(`${dir}/models`, { recursive: true });
  await writeTinyModel(`${dir}/models`, 'y-lr', { scale: 2, id: 'espcn-ish-x2' });
  const method = await resolveModelEvalMethod('espcn-ish-x2', 3, { stateDir: dir, device: 'cpu' });
  expect(method.name).toBe('espcn-ish-x2 (×2 run at ×3)');
  const lr = degrade(photoLikeImage(30, 30), 3);
  const out = await method.reconstruct(lr, 3, 30, 30);
  expect([out.width, out.height]).toEqual([30, 30]);
});
