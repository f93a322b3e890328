"""Halo (over-sharpening) measure of an input photo, computed on its own pixels only.

Y = BT.601 luma (float, 0..255) of the input. Along every row (and every column, on the transpose), take the
steps d[i] = Y[i+1] - Y[i]. A candidate edge is a step that is a local maximum of |d| along the line, with
|d| >= 12 levels and |d| in the top 5 % of |d| over the image. Orient the 10-pixel profile p = Y[i-4 .. i+5] so it
rises (multiply by sign d). L = p[0] (outer left), R = p[9] (outer right), H = R - L; keep profiles with H >= 20 whose outer
flanks are flat (|p[1]-p[0]| and |p[9]-p[8]| at most 0.1 H: an isolated edge, not texture).
overshoot = (max(p[5..9]) - R) + (L - min(p[0..4])), i.e. how far the profile rises above the right plateau plus
how far it dips below the left one. halo = median over kept profiles of overshoot / H.
A monotone (blurred) edge gives 0; an unsharp mask gives a dark and a bright rim, 0.1-0.5.
"""
import numpy as np
from PIL import Image


def luma(path):
    a = np.asarray(Image.open(path).convert("RGB"), dtype=np.float64)
    return 0.299 * a[..., 0] + 0.587 * a[..., 1] + 0.114 * a[..., 2]


def _ratios(Y):
    d = Y[:, 1:] - Y[:, :-1]
    ad = np.abs(d)
    h, w = d.shape
    thr = max(12.0, np.percentile(ad, 95))
    # local max of |d| along the row, and room for 3 pixels left, 4 right of step i (between Y[i] and Y[i+1])
    i = np.arange(w)
    m = np.zeros_like(ad, dtype=bool)
    m[:, 3 : w - 3] = (ad[:, 3 : w - 3] >= thr) & (ad[:, 3 : w - 3] >= ad[:, 2 : w - 4]) & (ad[:, 3 : w - 3] > ad[:, 4 : w - 2])
    rr, cc = np.nonzero(m)
    ok = (cc >= 4) & (cc <= w - 5)
    rr, cc = rr[ok], cc[ok]
    offs = np.arange(-4, 6)
    P = Y[rr[:, None], cc[:, None] + offs[None, :]]
    P = P * np.sign(d[rr, cc])[:, None]
    L, R = P[:, 0], P[:, 9]
    H = R - L
    flat = (np.abs(P[:, 1] - P[:, 0]) <= 0.1 * np.abs(H)) & (np.abs(P[:, 9] - P[:, 8]) <= 0.1 * np.abs(H))
    keep = (H >= 20) & flat
    over = (P[:, 5:].max(1) - R) + (L - P[:, :5].min(1))
    return (over[keep] / H[keep])


def halo(path):
    Y = luma(path)
    r = np.concatenate([_ratios(Y), _ratios(Y.T.copy())])
    return float(np.median(r)) if len(r) >= 20 else float("nan"), int(len(r))


if __name__ == "__main__":
    import sys
    for p in sys.argv[1:]:
        print(p, *halo(p))
