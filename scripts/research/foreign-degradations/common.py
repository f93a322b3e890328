"""Shared helpers: MATLAB-style bicubic imresize, BT.601 Y, PSNR, SSIM. Run with /usr/bin/python3."""
import numpy as np
from PIL import Image
from scipy.ndimage import convolve1d, gaussian_filter


def load(path):
    return np.asarray(Image.open(path).convert("RGB"), dtype=np.uint8)


def save(path, arr):
    Image.fromarray(np.clip(np.round(arr), 0, 255).astype(np.uint8)).save(path)


def _cubic(x, a=-0.5):
    ax = np.abs(x)
    ax2, ax3 = ax * ax, ax * ax * ax
    return ((a + 2) * ax3 - (a + 3) * ax2 + 1) * (ax <= 1) + (a * ax3 - 5 * a * ax2 + 8 * a * ax - 4 * a) * (
        (ax > 1) & (ax <= 2)
    )


def _weights(in_len, out_len, scale):
    # MATLAB imresize contributions (antialias when shrinking)
    kw = 4.0
    if scale < 1:
        kernel = lambda x: scale * _cubic(scale * x)
        kw = kw / scale
    else:
        kernel = _cubic
    x = np.arange(1, out_len + 1, dtype=np.float64)
    u = x / scale + 0.5 * (1 - 1 / scale)
    left = np.floor(u - kw / 2)
    P = int(np.ceil(kw)) + 2
    ind = left[:, None] + np.arange(P)[None, :]
    w = kernel(u[:, None] - ind)
    w = w / w.sum(1, keepdims=True)
    ind = ind - 1
    # symmetric padding
    ind = np.where(ind < 0, -ind - 1, ind)
    ind = np.where(ind >= in_len, 2 * in_len - ind - 1, ind)
    return w, ind.astype(np.int64)


def imresize(img, scale=None, out_hw=None):
    """img float HxWxC; MATLAB bicubic. Returns float (not rounded)."""
    img = img.astype(np.float64)
    h, w = img.shape[:2]
    if out_hw is None:
        out_hw = (int(np.ceil(h * scale)), int(np.ceil(w * scale)))
    sh, sw = out_hw[0] / h, out_hw[1] / w
    if scale is not None:
        sh = sw = scale
    wh, ih = _weights(h, out_hw[0], sh)
    out = np.einsum("op,opwc->owc", wh, img[ih])
    ww, iw = _weights(w, out_hw[1], sw)
    out = np.einsum("op,hopc->hoc", ww, out[:, iw])
    return out


def rgb2y(img):
    img = img.astype(np.float64)
    # rounded to integers, as the project protocol (score.ts) and MATLAB rgb2ycbcr on uint8
    return np.round(16.0 + (65.481 * img[..., 0] + 128.553 * img[..., 1] + 24.966 * img[..., 2]) / 255.0)


def psnr_y(a, b, shave):
    ya, yb = rgb2y(a), rgb2y(b)
    if shave:
        ya, yb = ya[shave:-shave, shave:-shave], yb[shave:-shave, shave:-shave]
    mse = np.mean((ya - yb) ** 2)
    return 10 * np.log10(255.0**2 / mse)


def _gauss_win(size=11, sigma=1.5):
    x = np.arange(size) - (size - 1) / 2
    g = np.exp(-(x**2) / (2 * sigma**2))
    return g / g.sum()


def ssim_y(a, b, shave):
    ya, yb = rgb2y(a), rgb2y(b)
    if shave:
        ya, yb = ya[shave:-shave, shave:-shave], yb[shave:-shave, shave:-shave]
    g = _gauss_win()

    def filt(x):  # 'valid' separable filtering
        y = convolve1d(x, g, axis=0, mode="constant")[5:-5]
        return convolve1d(y, g, axis=1, mode="constant")[:, 5:-5]

    C1, C2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mu1, mu2 = filt(ya), filt(yb)
    s11 = filt(ya * ya) - mu1 * mu1
    s22 = filt(yb * yb) - mu2 * mu2
    s12 = filt(ya * yb) - mu1 * mu2
    m = ((2 * mu1 * mu2 + C1) * (2 * s12 + C2)) / ((mu1**2 + mu2**2 + C1) * (s11 + s22 + C2))
    return float(m.mean())


def bicubic_up(lr, scale):
    return np.clip(np.round(imresize(lr.astype(np.float64), scale=scale)), 0, 255).astype(np.uint8)
