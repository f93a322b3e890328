"""Degradations made by other tools than SR Studio's own pipeline (ImageMagick, libjpeg-turbo's cjpeg, Pillow, numpy),
to measure the photo models on inputs they were not built around (docs/photo-models.md, "Degradations not ours").
Deterministic: the seeds come from the recipe, the scale and the image's name.

Usage: /usr/bin/python3 degrade.py [RECIPE...]
  -> $FOREIGN_ROOT/data/{set}/hr_x{s}/NAME.png (the HR, cropped to a multiple of the scale)
     $FOREIGN_ROOT/data/{set}/{recipe}_x{s}/NAME.jpg (its degraded low-resolution input)
Scales: $FOREIGN_SCALES (default "2 4"). Sets: $FOREIGN_SETS (default "set5 set14") from $SHARED_DATASETS (default
/work/shared/datasets), and "cam": the repository's two CC0 sample JPEGs, shrunk by 2 (area) to clean them.
Needs (Debian): imagemagick libjpeg-turbo-progs python3-pil python3-scipy python3-numpy.
"""
import glob, os, subprocess, sys, tempfile, zlib, json
import numpy as np
from PIL import Image
from scipy.ndimage import gaussian_filter, convolve1d

ROOT = os.path.join(os.environ.get("FOREIGN_ROOT", "/tmp/foreign"), "data")
SHARED = os.environ.get("SHARED_DATASETS", "/work/shared/datasets")
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
IM = "/usr/bin/convert"
TMP = tempfile.mkdtemp(prefix="fdeg")


def rng_for(recipe, scale, name):
    return np.random.default_rng([zlib.crc32(recipe.encode()), scale, zlib.crc32(name.encode())])


def load(p):
    return np.asarray(Image.open(p).convert("RGB"))


def save_png16(arr, path):  # float 0..255 -> 16-bit PPM for ImageMagick
    a = np.clip(np.round(arr / 255.0 * 65535), 0, 65535).astype(">u2")
    h, w, _ = a.shape
    with open(path, "wb") as f:
        f.write(f"P6\n{w} {h}\n65535\n".encode())
        f.write(a.tobytes())


def read_ppm16(path):
    with open(path, "rb") as f:
        data = f.read()
    # parse header
    parts, idx = [], 0
    while len(parts) < 4:
        while data[idx : idx + 1].isspace():
            idx += 1
        start = idx
        while not data[idx : idx + 1].isspace():
            idx += 1
        parts.append(data[start:idx])
    idx += 1
    w, h, mx = int(parts[1]), int(parts[2]), int(parts[3])
    dt = ">u2" if mx > 255 else "u1"
    a = np.frombuffer(data[idx:], dtype=dt)[: w * h * 3].reshape(h, w, 3).astype(np.float64)
    return a * 255.0 / mx


def magick(inp_arr, ops):
    """run convert on a float image, return float 0..255 (16-bit intermediate, no 8-bit rounding)."""
    i, o = os.path.join(TMP, "in.ppm"), os.path.join(TMP, "out.ppm")
    save_png16(inp_arr, i)
    subprocess.run([IM, i] + ops + ["-depth", "16", o], check=True)
    return read_ppm16(o)


def area_down(a, s):
    h, w, c = a.shape
    return a.reshape(h // s, s, w // s, s, c).mean(axis=(1, 3))


def q8(a):
    return np.clip(np.round(a), 0, 255).astype(np.uint8)


def cjpeg(arr8, out, quality, extra=()):
    p = os.path.join(TMP, "j.ppm")
    Image.fromarray(arr8).save(p)
    subprocess.run(["cjpeg", "-quality", str(quality), *extra, "-outfile", out, p], check=True)


def pil_jpeg(arr8, out, quality, subsampling=2):
    Image.fromarray(arr8).save(out, "JPEG", quality=quality, subsampling=subsampling)


def srgb_to_lin(x):
    x = x / 255.0
    return np.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055) ** 2.4)


def lin_to_srgb(l):
    l = np.clip(l, 0, 1)
    return 255.0 * np.where(l <= 0.0031308, 12.92 * l, 1.055 * l ** (1 / 2.4) - 0.055)


# ---- recipes: f(hr uint8, scale, rng, out_jpg) -> dict of drawn params
def r_magick_camera(hr, s, rng, out):
    sig = rng.uniform(0.8, 1.2)
    lr = magick(hr.astype(float), ["-gaussian-blur", f"0x{sig:.4f}", "-resize", f"{100 / s}%"])  # IM default filter
    ns = rng.uniform(3, 6)
    lr = lr + rng.normal(0, ns, lr.shape)  # per-channel (colour) Gaussian noise
    q = 75
    cjpeg(q8(lr), out, q)  # cjpeg default 4:2:0
    return dict(blur=sig, noise=ns, jpeg=q, resize="IM default (Lanczos)", sub="4:2:0")


def r_corrnoise(hr, s, rng, out):
    sig = 0.6
    x = gaussian_filter(hr.astype(float), sigma=(sig, sig, 0), mode="reflect")
    lr = area_down(x, s)
    sw = rng.uniform(8, 14)
    n = rng.normal(0, sw, lr.shape)
    k = np.array([1, 2, 1]) / 4.0
    n = convolve1d(convolve1d(n, k, axis=0, mode="reflect"), k, axis=1, mode="reflect")  # demosaic-like correlation
    lr = lr + n
    q = 85
    pil_jpeg(q8(lr), out, q, 2)
    return dict(blur=sig, white_noise=sw, eff_noise=sw * 0.375, jpeg=q, resize="area", sub="4:2:0 (PIL)")


def r_jpegonly(hr, s, rng, out):
    lr = area_down(hr.astype(float), s)
    q = int(rng.integers(50, 61))
    cjpeg(q8(lr), out, q)
    return dict(jpeg=q, resize="area", sub="4:2:0")


def r_light(hr, s, rng, out):
    h, w, _ = hr.shape
    lr = np.asarray(Image.fromarray(hr).resize((w // s, h // s), Image.LANCZOS))
    q = 92
    pil_jpeg(lr, out, q, 2)
    return dict(jpeg=q, resize="PIL Lanczos", sub="4:2:0 (PIL)")


def r_poisson(hr, s, rng, out):
    lr = magick(hr.astype(float), ["-gaussian-blur", "0x1.0", "-filter", "Triangle", "-resize", f"{100 / s}%"])
    peak = rng.uniform(400, 1000)  # photons at white (linear light)
    lin = srgb_to_lin(lr)
    lin = rng.poisson(lin * peak) / peak + rng.normal(0, 0.001, lin.shape)
    lr = lin_to_srgb(lin)
    q = 80
    cjpeg(q8(lr), out, q)
    return dict(blur=1.0, peak=peak, read=0.001, jpeg=q, resize="IM Triangle", sub="4:2:0")


def sharpened(unsharp):
    """Blur, resize, an unsharp mask at the low resolution (a phone's sharpening), grey noise σ 2, cjpeg 85."""

    def recipe(hr, s, rng, out):
        lr = magick(hr.astype(float), ["-gaussian-blur", "0x1.0", "-resize", f"{100 / s}%", "-unsharp", unsharp])
        lr = lr + rng.normal(0, 2.0, lr.shape[:2])[..., None]  # grey noise
        q = 85
        cjpeg(q8(lr), out, q)
        return dict(blur=1.0, unsharp=unsharp, noise_grey=2.0, jpeg=q, resize="IM default", sub="4:2:0")

    return recipe


r_oversharp = sharpened("0x1.0+1.2+0")
r_oversharp_mild = sharpened("0x0.8+0.5+0")


RECIPES = {
    "magick-camera": r_magick_camera,
    "corrnoise": r_corrnoise,
    "jpegonly": r_jpegonly,
    "light": r_light,
    "poisson": r_poisson,
    "oversharp": r_oversharp,
    "oversharp-mild": r_oversharp_mild,
}


def sets():
    out = {}
    # $FOREIGN_SETS: which folders of $SHARED_DATASETS (default Set5 and Set14; e.g. "val" for a validation split).
    for s in os.environ.get("FOREIGN_SETS", "set5 set14").split():
        out[s] = {os.path.basename(p)[:-4]: load(p) for p in sorted(glob.glob(f"{SHARED}/{s}/*.png"))}
    cam = {}
    for n in ["coffee", "chelsea"]:  # CC0 samples: JPEGs, shrunk by 2 (area) to clean them
        a = load(f"{REPO}/samples/{n}.jpg").astype(float)
        h, w, _ = a.shape
        a = a[: h // 2 * 2, : w // 2 * 2]
        cam[n] = q8(area_down(a, 2))
    out["cam"] = cam
    return out


if __name__ == "__main__":
    only = sys.argv[1:] or list(RECIPES)
    log = {}
    for setname, imgs in sets().items():
        for s in [int(x) for x in os.environ.get("FOREIGN_SCALES", "2 4").split()]:
            hd = f"{ROOT}/{setname}/hr_x{s}"
            os.makedirs(hd, exist_ok=True)
            for name, hr in imgs.items():
                h, w, _ = hr.shape
                hrc = hr[: h // s * s, : w // s * s]
                Image.fromarray(hrc).save(f"{hd}/{name}.png")
            for rname in only:
                d = f"{ROOT}/{setname}/{rname}_x{s}"
                os.makedirs(d, exist_ok=True)
                for name, hr in imgs.items():
                    h, w, _ = hr.shape
                    hrc = np.ascontiguousarray(hr[: h // s * s, : w // s * s])
                    p = RECIPES[rname](hrc, s, rng_for(rname, s, name), f"{d}/{name}.jpg")
                    lrshape = Image.open(f"{d}/{name}.jpg").size
                    assert lrshape == (hrc.shape[1] // s, hrc.shape[0] // s), (lrshape, hrc.shape)
                    log[f"{setname}/{rname}_x{s}/{name}"] = p
    with open(f"{ROOT}/params_{'_'.join(only)}.json", "w") as f:
        json.dump(log, f, indent=1)
    print("done", len(log))
