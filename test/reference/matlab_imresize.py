#!/usr/bin/env python3
"""
Independent reference for the SR evaluation protocol (docs/sr-protocol.md), in plain numpy, written separately
from the TypeScript engine and structured differently on purpose: each dimension is a dense (out × in) weight
matrix built from MATLAB's imresize.m, and the image is resized as Wr @ img @ Wc.T.

Used to compute, once, the expected numbers hard-coded in test/engine/eval/protocol.test.ts, and to check the
engine against the published table by hand:

  python3 test/reference/matlab_imresize.py eval DIR SCALE            # bicubic PSNR/SSIM of a folder of PNGs
  python3 test/reference/matlab_imresize.py raw FILE.rgb W H C SCALE   # same for one raw interleaved uint8 image

(For the test fixtures, FILE.rgb is `photoLikeImage(W, H, seed).data` from test/helpers/eval-fixtures.ts written
to a file with fs.writeFileSync.) Needs only numpy; reading PNGs uses the minimal decoder below.

Options (for experiments): --border symmetric|replicate, --round-between (round to uint8 between the two passes,
as MATLAB's uint8 path does).
"""
import math
import struct
import sys
import zlib

import numpy as np


def cubic(x):
    ax = np.abs(x)
    ax2 = ax * ax
    ax3 = ax2 * ax
    return (1.5 * ax3 - 2.5 * ax2 + 1) * (ax <= 1) + (-0.5 * ax3 + 2.5 * ax2 - 4 * ax + 2) * ((ax > 1) & (ax <= 2))


def triangle(x):
    return (x + 1) * ((x >= -1) & (x < 0)) + (1 - x) * ((x >= 0) & (x <= 1))


def box(x):
    return ((x >= -0.5) & (x < 0.5)).astype(np.float64)


def lanczos3(x):
    eps = np.finfo(np.float64).eps
    f = (np.sin(np.pi * x) * np.sin(np.pi * x / 3) + eps) / ((np.pi ** 2 * x ** 2 / 3) + eps)
    return f * (np.abs(x) < 3)


KERNELS = {"bicubic": (cubic, 4.0), "bilinear": (triangle, 2.0), "nearest": (box, 1.0), "lanczos3": (lanczos3, 6.0)}


def weight_matrix(in_len, out_len, kernel="bicubic", border="symmetric"):
    fn, width = KERNELS[kernel]
    scale = out_len / in_len
    if scale < 1 and kernel != "nearest":
        h = lambda x: scale * fn(scale * x)  # noqa: E731
        width = width / scale
    else:
        h = fn
    x = np.arange(1, out_len + 1, dtype=np.float64)[:, None]
    u = x / scale + 0.5 * (1 - 1 / scale)
    left = np.floor(u - width / 2)
    taps = int(math.ceil(width)) + 2
    idx = left + np.arange(taps)[None, :]
    w = h(u - idx)
    w = w / w.sum(axis=1, keepdims=True)
    idx = idx.astype(np.int64) - 1  # 0-based
    if border == "symmetric":
        aux = np.concatenate([np.arange(in_len), np.arange(in_len - 1, -1, -1)])
        idx = aux[np.mod(idx, 2 * in_len)]
    else:
        idx = np.clip(idx, 0, in_len - 1)
    m = np.zeros((out_len, in_len))
    for o in range(out_len):
        np.add.at(m[o], idx[o], w[o])
    return m


def imresize(img, out_h, out_w, kernel="bicubic", border="symmetric", round_between=False):
    """img: float64 (H, W) or (H, W, C). Smaller scale dimension first, rows first on a tie (MATLAB's stable sort)."""
    h, w = img.shape[:2]
    wr = weight_matrix(h, out_h, kernel, border)
    wc = weight_matrix(w, out_w, kernel, border)
    rows = lambda a: np.einsum("oi,i...->o...", wr, a)  # noqa: E731
    cols = lambda a: np.einsum("oj,hj...->ho...", wc, a)  # noqa: E731
    first, second = (rows, cols) if out_h / h <= out_w / w else (cols, rows)
    mid = first(img)
    if round_between:
        mid = to_uint8(mid).astype(np.float64)
    return second(mid)


def to_uint8(a):
    # MATLAB rounds half away from zero; values are >= -0.5 here so floor(x + 0.5) is the same after clipping.
    return np.clip(np.floor(a + 0.5), 0, 255).astype(np.uint8)


def rgb_to_y(img):
    img = img.astype(np.float64)
    return 16 + (65.481 * img[..., 0] + 128.553 * img[..., 1] + 24.966 * img[..., 2]) / 255


def psnr(a, b):
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return math.inf if mse == 0 else 10 * math.log10(255 ** 2 / mse)


def gaussian_window(size=11, sigma=1.5):
    r = np.arange(size) - (size - 1) / 2
    g = np.exp(-(r[:, None] ** 2 + r[None, :] ** 2) / (2 * sigma ** 2))
    return g / g.sum()


def filter_valid(img, win):
    k = win.shape[0]
    h, w = img.shape
    out = np.zeros((h - k + 1, w - k + 1))
    for dy in range(k):
        for dx in range(k):
            out += win[dy, dx] * img[dy : dy + h - k + 1, dx : dx + w - k + 1]
    return out


def ssim(a, b):
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    win = gaussian_window()
    c1 = (0.01 * 255) ** 2
    c2 = (0.03 * 255) ** 2
    mu1 = filter_valid(a, win)
    mu2 = filter_valid(b, win)
    s11 = filter_valid(a * a, win) - mu1 * mu1
    s22 = filter_valid(b * b, win) - mu2 * mu2
    s12 = filter_valid(a * b, win) - mu1 * mu2
    m = ((2 * mu1 * mu2 + c1) * (2 * s12 + c2)) / ((mu1 * mu1 + mu2 * mu2 + c1) * (s11 + s22 + c2))
    return float(m.mean())


def score_bicubic(hr, scale, border="symmetric", round_between=False):
    """hr: uint8 (H, W, 3). Returns (psnr, ssim) of the bicubic baseline under the protocol."""
    h, w = hr.shape[:2]
    h, w = h - h % scale, w - w % scale
    hr = hr[:h, :w]
    lr = to_uint8(imresize(hr.astype(np.float64), h // scale, w // scale, "bicubic", border, round_between))
    sr = to_uint8(imresize(lr.astype(np.float64), h, w, "bicubic", border, round_between))
    ys = to_uint8(rgb_to_y(sr)).astype(np.float64)
    yh = to_uint8(rgb_to_y(hr)).astype(np.float64)
    s = scale
    ys, yh = ys[s:-s, s:-s], yh[s:-s, s:-s]
    return psnr(ys, yh), ssim(ys, yh)


def read_png(path):
    """Minimal PNG reader: 8-bit gray/gray+alpha/RGB/RGBA, non-interlaced. Returns uint8 (H, W, 3)."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    pos, idat = 8, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0, (path, depth, interlace)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    ch = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
    raw = zlib.decompress(idat)
    stride = w * ch
    out = np.zeros((h, stride), dtype=np.int64)
    prev = np.zeros(stride, dtype=np.int64)
    for y in range(h):
        ft = raw[y * (stride + 1)]
        line = np.frombuffer(raw, dtype=np.uint8, count=stride, offset=y * (stride + 1) + 1).astype(np.int64)
        if ft == 0:
            cur = line
        elif ft == 2:
            cur = (line + prev) & 255
        else:
            cur = np.zeros(stride, dtype=np.int64)
            for i in range(stride):
                a = cur[i - ch] if i >= ch else 0
                if ft == 1:
                    p = a
                elif ft == 3:
                    p = (a + prev[i]) >> 1
                else:
                    b, c = prev[i], (prev[i - ch] if i >= ch else 0)
                    pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                    p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                cur[i] = (line[i] + p) & 255
        out[y] = cur
        prev = cur
    img = out.reshape(h, w, ch).astype(np.uint8)
    if ch <= 2:
        img = np.repeat(img[..., :1], 3, axis=2)
    return img[..., :3]


def main(argv):
    border = "replicate" if "--border" in argv and argv[argv.index("--border") + 1] == "replicate" else "symmetric"
    round_between = "--round-between" in argv
    if argv[0] == "eval":
        import os

        folder, scale = argv[1], int(argv[2])
        scores = []
        for name in sorted(os.listdir(folder)):
            if not name.lower().endswith(".png"):
                continue
            p, s = score_bicubic(read_png(os.path.join(folder, name)), scale, border, round_between)
            scores.append((p, s))
            print(f"{name}\t{p:.4f}\t{s:.4f}")
        print(f"mean\t{np.mean([p for p, _ in scores]):.4f}\t{np.mean([s for _, s in scores]):.4f}")
    elif argv[0] == "raw":
        path, w, h, c, scale = argv[1], int(argv[2]), int(argv[3]), int(argv[4]), int(argv[5])
        img = np.fromfile(path, dtype=np.uint8).reshape(h, w, c)[..., :3]
        p, s = score_bicubic(img, scale, border, round_between)
        print(f"{p:.10f}\t{s:.10f}")


if __name__ == "__main__":
    main(sys.argv[1:])
