#!/usr/bin/env python3
"""Local preprocessing (run with /usr/bin/python3, which has PIL): packs the data the GPU study needs into data.npz.

- training: HR Y (uint8, BT.601, rounded) of the 275 training images (T91 + BSD200, t65 dropped, 15 held out),
  concatenated flat; the bicubic degradation of these is done on the GPU machine (prep in study.py).
- validation (15 held-out images) and Set5: for scales 2 and 3, modcropped HR Y and the two network inputs:
  'y'   = brief's protocol: MATLAB bicubic down/up of the HR Y plane, each rounded to uint8;
  'rgb' = the product's eval/validation path: MATLAB bicubic down of the RGB image (uint8), its Y rounded,
          then bicubic up of that Y plane, rounded (src/engine/training/validation.ts).
"""
import os
import sys

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
# matlab_imresize.py: the protocol's numpy reference, test/reference/ (copy it beside this file to run elsewhere).
sys.path[:0] = [HERE, os.path.join(HERE, '..', '..', '..', 'test', 'reference')]
from matlab_imresize import imresize, rgb_to_y, to_uint8, psnr  # noqa: E402

D = '/work/shared/datasets'
VAL_SEED = 0
N_VAL = 15


def load(path):
    return np.array(Image.open(path).convert('RGB'))


def modcrop(a, s):
    h, w = a.shape[:2]
    return a[: h - h % s, : w - w % s]


def eval_planes(rgb, s):
    hr = modcrop(rgb, s)
    h, w = hr.shape[:2]
    hry = to_uint8(rgb_to_y(hr))
    lr_y = to_uint8(imresize(hry.astype(np.float64), h // s, w // s))
    up_y = to_uint8(imresize(lr_y.astype(np.float64), h, w))
    lr_rgb = to_uint8(imresize(hr.astype(np.float64), h // s, w // s))
    lry2 = to_uint8(rgb_to_y(lr_rgb))
    up_rgb = to_uint8(imresize(lry2.astype(np.float64), h, w))
    return hry, up_y, up_rgb


def shave_psnr(a, b, s):
    return psnr(a[s:-s, s:-s], b[s:-s, s:-s])


def main():
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else None  # small local test sets
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, 'data.npz')
    names = [f't91/{n}' for n in sorted(os.listdir(f'{D}/t91')) if n.endswith('.png') and n != 't65.png']
    names += [f'bsd200/{n}' for n in sorted(os.listdir(f'{D}/bsd200')) if n.endswith('.png')]
    assert len(names) == 290, len(names)
    perm = np.random.default_rng(VAL_SEED).permutation(len(names))
    val_idx = sorted(perm[:N_VAL].tolist())
    train_idx = sorted(perm[N_VAL:].tolist())
    if limit:
        train_idx = train_idx[:limit]
    arrays = {}
    flat, shapes = [], []
    for i in train_idx:
        y = to_uint8(rgb_to_y(load(f'{D}/{names[i]}')))
        flat.append(y.ravel())
        shapes.append(y.shape)
    arrays['train_flat'] = np.concatenate(flat)
    arrays['train_shapes'] = np.array(shapes, dtype=np.int64)
    arrays['train_names'] = np.array([names[i] for i in train_idx])
    arrays['val_names'] = np.array([names[i] for i in val_idx])
    sets = {'val': [f'{D}/{names[i]}' for i in val_idx], 'set5': [f'{D}/set5/{n}' for n in sorted(os.listdir(f'{D}/set5'))]}
    for sname, paths in sets.items():
        for s in (2, 3):
            hrs, ups_y, ups_rgb = [], [], []
            for p in paths:
                hry, up_y, up_rgb = eval_planes(load(p), s)
                hrs.append(hry)
                ups_y.append(up_y)
                ups_rgb.append(up_rgb)
            arrays[f'{sname}_x{s}_shapes'] = np.array([a.shape for a in hrs], dtype=np.int64)
            arrays[f'{sname}_x{s}_hr'] = np.concatenate([a.ravel() for a in hrs])
            arrays[f'{sname}_x{s}_up_y'] = np.concatenate([a.ravel() for a in ups_y])
            arrays[f'{sname}_x{s}_up_rgb'] = np.concatenate([a.ravel() for a in ups_rgb])
            by = np.mean([shave_psnr(u, h, s) for u, h in zip(ups_y, hrs)])
            br = np.mean([shave_psnr(u, h, s) for u, h in zip(ups_rgb, hrs)])
            print(f'{sname} x{s}: bicubic PSNR y-path {by:.4f}  rgb-path {br:.4f}', flush=True)
    np.savez_compressed(out, **arrays)
    print('val images:', list(arrays['val_names']))
    print('train images:', len(train_idx), 'pixels', arrays['train_flat'].size, 'file', os.path.getsize(out))


if __name__ == '__main__':
    main()
