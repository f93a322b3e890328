#!/usr/bin/env python3
"""SRCNN 9-5-5 (same padding, global residual) training study on one GPU, replicating SR Studio's CPU recipe.

Several independent runs ("slots") train in lockstep as ONE grouped network (conv groups = slots), each with its
own data table (scale x sampling mode), its own cosine schedule and its own Adam state, captured as a CUDA graph.
A slot that finishes its run is evaluated and refilled with the next run of a precomputed plan.

Env: OUT (results folder), DEADLINE (s after start by which everything is written), DATA (npz from preprocess.py),
BATCH (64), STEP_UNIT (steps of the base run, 12032 = 0.77 M patches), RCANDS (slot counts to benchmark), NO_GRAPH.
"""
import time

T0 = time.time()
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import zlib  # noqa: E402

import numpy as np
import torch
import torch.nn.functional as F
HERE = os.path.dirname(os.path.abspath(__file__))
# matlab_imresize.py: the protocol's numpy reference, test/reference/ (copy it beside this file to run elsewhere).
sys.path[:0] = [HERE, os.path.join(HERE, '..', '..', '..', 'test', 'reference')]
from matlab_imresize import weight_matrix  # noqa: E402

OUT = os.environ.get('OUT') or os.path.join(HERE, 'out')
os.makedirs(OUT, exist_ok=True)
DEADLINE = float(os.environ.get('DEADLINE', 470))
DATA = os.environ.get('DATA', os.path.join(HERE, 'data.npz'))
BATCH = int(os.environ.get('BATCH', 64))
U = int(os.environ.get('STEP_UNIT', 12032))
RCANDS = [int(r) for r in os.environ.get('RCANDS', '1,2,4,8,12,16,24').split(',')]
USE_GRAPH = not os.environ.get('NO_GRAPH')
PATCH = 33
dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
torch.backends.cudnn.allow_tf32 = False
torch.backends.cuda.matmul.allow_tf32 = False
torch.set_float32_matmul_precision('highest')
torch.manual_seed(12345)


def log(*a):
    print(f'[{time.time() - T0:6.1f}s]', *a, flush=True)


def sync():
    if dev.type == 'cuda':
        torch.cuda.synchronize()


# ----------------------------------------------------------------------------------------------- degradation
_wm = {}


def wm(n_in, n_out):
    if (n_in, n_out) not in _wm:
        _wm[(n_in, n_out)] = torch.from_numpy(weight_matrix(n_in, n_out)).to(dev)
    return _wm[(n_in, n_out)]


def resize(img, oh, ow):
    """MATLAB imresize bicubic (antialiased) of a float64 (h, w) tensor; rows first on a tie, as the reference."""
    h, w = img.shape
    wr, wc = wm(h, oh), wm(w, ow)
    if oh / h <= ow / w:
        return (wr @ img) @ wc.T
    return wr @ (img @ wc.T)


def to_u8(a):
    return torch.clamp(torch.floor(a + 0.5), 0, 255).to(torch.uint8)


def degrade_pair(y_u8, s):
    """y_u8: (h, w) uint8 tensor of HR Y. Returns (modcropped HR, bicubic-up input), both uint8."""
    h, w = y_u8.shape
    h2, w2 = h - h % s, w - w % s
    hr = y_u8[:h2, :w2].contiguous()
    lr = to_u8(resize(hr.double(), h2 // s, w2 // s))
    up = to_u8(resize(lr.double(), h2, w2))
    return hr, up


def boxsum(a, kh, kw):
    """Sums of every kh x kw window of a float64 (H, W) tensor -> (H-kh+1, W-kw+1)."""
    s = F.pad(a.cumsum(0).cumsum(1), (1, 0, 1, 0))
    return s[kh:, kw:] - s[:-kh, kw:] - s[kh:, :-kw] + s[:-kh, :-kw]


# ----------------------------------------------------------------------------------------------- data
def dihedral_maps(n):
    base = np.arange(n * n).reshape(n, n)
    ms = [np.rot90(base, k) for k in range(4)] + [np.rot90(base.T, k) for k in range(4)]
    return torch.from_numpy(np.stack([m.ravel() for m in ms]).astype(np.int64))


class Data:
    """All training planes of all scales on the device, plus one sampling table (CDF over positions) per
    (scale, mode). Positions are top-left corners of 33x33 windows, all of them (any image, any valid offset)."""

    def __init__(self, npz, scales, table_specs):
        flat, shapes = npz['train_flat'], npz['train_shapes']
        planes, o = [], 0
        for h, w in shapes:
            planes.append(torch.from_numpy(flat[o : o + h * w].reshape(h, w)).to(dev))
            o += h * w
        hr_parts, in_parts, meta = [], [], []
        off = 0
        self.scale_range = {}
        for s in scales:
            first = len(meta)
            for y in planes:
                hr, up = degrade_pair(y, s)
                hr_parts.append(hr.reshape(-1))
                in_parts.append(up.reshape(-1))
                h2, w2 = hr.shape
                meta.append((s, off, h2, w2))
                off += h2 * w2
            self.scale_range[s] = (first, len(meta))
        self.hr = torch.cat(hr_parts)
        self.inp = torch.cat(in_parts)
        self.meta = meta
        n = len(meta)
        off_t = torch.tensor([m[1] for m in meta], dtype=torch.int64)
        hh = torch.tensor([m[2] for m in meta], dtype=torch.int64)
        ww = torch.tensor([m[3] for m in meta], dtype=torch.int64)
        ncols = (ww - PATCH + 1).clamp(min=0)
        nrows = (hh - PATCH + 1).clamp(min=0)
        counts = ncols * nrows
        pos_start = torch.zeros(n + 1, dtype=torch.int64)
        pos_start[1:] = counts.cumsum(0)
        self.off, self.W, self.ncols = off_t.to(dev), ww.to(dev), ncols.clamp(min=1).to(dev)
        self.pos_start = pos_start.to(dev)
        self.pos_start_cpu = pos_start
        self.scale_pos = {s: (int(pos_start[a]), int(pos_start[b])) for s, (a, b) in self.scale_range.items()}
        self.maps = dihedral_maps(PATCH).to(dev)
        r = torch.arange(PATCH, dtype=torch.int64)
        self.DY = r.repeat_interleave(PATCH).to(dev)
        self.DX = r.repeat(PATCH).to(dev)
        # measures per position, per scale
        self.tables = {}
        cdfs, tab_off, tab_len, tab_base = [], [], [], []
        measures = {}
        for k, (s, mode) in enumerate(table_specs):
            kind = mode.rstrip('0123456789.')
            floor = float(mode[len(kind) :] or 0)
            if kind == 'uniform':
                p0, p1 = self.scale_pos[s]
                wgt = torch.ones(p1 - p0, dtype=torch.float64, device=dev)
            else:
                key = (s, kind)
                if key not in measures:
                    measures[key] = self.measure(s, kind)
                m = measures[key]
                wgt = m + floor * m.mean()
            cdf = wgt.cumsum(0)
            cdf = cdf / cdf[-1]
            cdf[-1] = 1.0
            cdfs.append(cdf + k)
            tab_off.append(sum(len(c) for c in cdfs[:-1]))
            tab_len.append(len(cdf))
            tab_base.append(self.scale_pos[s][0])
            self.tables[(s, mode)] = k
        self.cdf_all = torch.cat(cdfs)
        self.tab_off = torch.tensor(tab_off, dtype=torch.int64, device=dev)
        self.tab_len = torch.tensor(tab_len, dtype=torch.int64, device=dev)
        self.tab_base = torch.tensor(tab_base, dtype=torch.int64, device=dev)
        self.measures = measures

    def measure(self, s, kind):
        a, b = self.scale_range[s]
        out = []
        for i in range(a, b):
            _, off, h, w = self.meta[i]
            if h < PATCH or w < PATCH:
                continue
            hr = self.hr[off : off + h * w].view(h, w).double()
            if kind == 'grad':
                dx = (hr[:, 1:] - hr[:, :-1]).abs()
                dy = (hr[1:, :] - hr[:-1, :]).abs()
                m = (boxsum(dx, PATCH, PATCH - 1) + boxsum(dy, PATCH - 1, PATCH)) / (PATCH * (PATCH - 1))
            elif kind == 'resid':
                up = self.inp[off : off + h * w].view(h, w).double()
                m = boxsum((hr - up).abs(), PATCH, PATCH) / (PATCH * PATCH)
            else:
                raise ValueError(kind)
            out.append(m.reshape(-1))
        return torch.cat(out)

    def sample(self, tab, R, B, with_pos=False):
        """tab: (R,) int64 table ids. Returns x, y as (B, R, 33, 33) float32 in [0, 1]."""
        r = torch.rand(R, B, dtype=torch.float64, device=dev)
        u = tab.to(torch.float64)[:, None] + r
        idx = torch.searchsorted(self.cdf_all, u)
        pit = idx - self.tab_off[tab][:, None]
        pit = torch.minimum(pit.clamp(min=0), self.tab_len[tab][:, None] - 1)
        gpos = self.tab_base[tab][:, None] + pit
        img = torch.searchsorted(self.pos_start, gpos, right=True) - 1
        local = gpos - self.pos_start[img]
        nc = self.ncols[img]
        yy = torch.div(local, nc, rounding_mode='floor')
        xx = local - yy * nc
        wimg = self.W[img]
        base = self.off[img] + yy * wimg + xx
        pix = base[..., None] + self.DY * wimg[..., None] + self.DX
        tr = torch.randint(0, 8, (R, B), device=dev)
        pix = pix.gather(2, self.maps[tr])
        flat = pix.reshape(-1)
        x = self.inp.index_select(0, flat).view(R, B, PATCH, PATCH).transpose(0, 1).float().div_(255)
        y = self.hr.index_select(0, flat).view(R, B, PATCH, PATCH).transpose(0, 1).float().div_(255)
        if with_pos:
            return x, y, (img, yy, xx, tr, gpos)
        return x.contiguous(), y.contiguous()


# ----------------------------------------------------------------------------------------------- model
SHAPES = [(64, 1, 9, 9), (64,), (32, 64, 5, 5), (32,), (1, 32, 5, 5), (1,)]
SIZES = [int(np.prod(s)) for s in SHAPES]
OFFS = np.concatenate([[0], np.cumsum(SIZES)]).tolist()
P = OFFS[-1]


def lr_base_vector():
    v = torch.full((P,), 1e-3)
    v[OFFS[4] :] = 1e-4
    return v


def init_theta(seed):
    g = torch.Generator().manual_seed(seed)
    th = torch.zeros(P)
    for i in (0, 2, 4):
        th[OFFS[i] : OFFS[i + 1]] = torch.randn(SIZES[i], generator=g) * 0.001
    return th


def forward(theta, x):
    """theta: (R, P); x: (B, R, H, W) -> (B, R, H, W). SRCNN 9-5-5, same padding, global residual, grouped."""
    R = theta.shape[0]

    def part(i, shape):
        return theta[:, OFFS[i] : OFFS[i + 1]].reshape((R * shape[0],) + tuple(shape[1:]))

    h = F.relu(F.conv2d(x, part(0, SHAPES[0]), part(1, SHAPES[1]), padding=4, groups=R))
    h = F.relu(F.conv2d(h, part(2, SHAPES[2]), part(3, SHAPES[3]), padding=2, groups=R))
    return x + F.conv2d(h, part(4, SHAPES[4]), part(5, SHAPES[5]), padding=2, groups=R)


class Trainer:
    def __init__(self, R, data, batch):
        self.R, self.data, self.B = R, data, batch
        self.theta = torch.zeros(R, P, device=dev, requires_grad=True)
        self.m = torch.zeros(R, P, device=dev)
        self.v = torch.zeros(R, P, device=dev)
        self.t = torch.zeros(R, dtype=torch.float64, device=dev)
        self.T = torch.full((R,), 2.0, dtype=torch.float64, device=dev)
        self.active = torch.zeros(R, dtype=torch.float64, device=dev)
        self.tab = torch.zeros(R, dtype=torch.int64, device=dev)
        self.loss_acc = torch.zeros(R, dtype=torch.float64, device=dev)
        self.lr_base = lr_base_vector().to(dev)
        self.graph = None
        self.graph_error = None

    def step(self):
        x, y = self.data.sample(self.tab, self.R, self.B)
        out = forward(self.theta, x)
        per = ((out - y) ** 2).mean(dim=(0, 2, 3))
        (g,) = torch.autograd.grad(per.sum(), self.theta)
        with torch.no_grad():
            self.loss_acc += per.detach().double() * self.active
            f = 0.01 + 0.495 * (1 + torch.cos(math.pi * torch.clamp(self.t / (self.T - 1), max=1.0)))
            t1 = self.t + 1
            bc1 = 1 - torch.pow(0.9, t1)
            bc2 = 1 - torch.pow(0.999, t1)
            scale = (self.active * f / bc1).float()
            self.m.mul_(0.9).add_(g, alpha=0.1)
            self.v.mul_(0.999).addcmul_(g, g, value=0.001)
            denom = (self.v.sqrt() / bc2.sqrt().float()[:, None]).add_(1e-8)
            self.theta.addcdiv_(self.m * (scale[:, None] * self.lr_base[None, :]), denom, value=-1)
            self.t += self.active

    def build_graph(self):
        if dev.type != 'cuda' or not USE_GRAPH:
            return
        try:
            s = torch.cuda.Stream()
            s.wait_stream(torch.cuda.current_stream())
            with torch.cuda.stream(s):
                for _ in range(3):
                    self.step()
            torch.cuda.current_stream().wait_stream(s)
            g = torch.cuda.CUDAGraph()
            with torch.cuda.graph(g):
                self.step()
            self.graph = g
        except Exception as e:  # fall back to eager
            self.graph = None
            self.graph_error = repr(e)
            log('graph capture failed, eager fallback:', repr(e)[:300])
            sync()

    def run(self, n):
        if self.graph is not None:
            for _ in range(n):
                self.graph.replay()
        else:
            for _ in range(n):
                self.step()

    @torch.no_grad()
    def start(self, slot, theta0, steps, tab_id):
        self.theta[slot].copy_(theta0)
        self.m[slot].zero_()
        self.v[slot].zero_()
        self.t[slot] = 0.0
        self.T[slot] = float(steps)
        self.active[slot] = 1.0
        self.tab[slot] = tab_id
        self.loss_acc[slot] = 0.0

    @torch.no_grad()
    def stop(self, slot):
        self.active[slot] = 0.0


# ----------------------------------------------------------------------------------------------- evaluation
class Evaluator:
    def __init__(self, npz):
        self.sets = {}
        for name in ('set5', 'val'):
            for s in (2, 3):
                shapes = npz[f'{name}_x{s}_shapes']
                hr, upy, upr = (npz[f'{name}_x{s}_{k}'] for k in ('hr', 'up_y', 'up_rgb'))
                items, o = [], 0
                lim, crop = int(os.environ.get('EVAL_LIMIT', 0)), int(os.environ.get('EVAL_CROP', 0))
                for h, w in shapes:
                    sl = slice(o, o + h * w)
                    t = tuple(torch.from_numpy(a[sl].reshape(h, w)).to(dev) for a in (hr, upy, upr))
                    if crop:
                        t = tuple(a[:crop, :crop].contiguous() for a in t)
                    items.append(t)
                    o += h * w
                if lim:
                    items = items[:lim]
                self.sets[(name, s)] = items

    @staticmethod
    def psnr(pred_u8, hr_u8, s):
        d = (pred_u8.double() - hr_u8.double())[s:-s, s:-s]
        return 10 * torch.log10(255.0**2 / (d * d).mean())

    def bicubic(self):
        res = {}
        for (name, s), items in self.sets.items():
            for j, style in ((1, 'y'), (2, 'rgb')):
                res[f'{name}_x{s}_{style}'] = float(torch.stack([self.psnr(it[j], it[0], s) for it in items]).mean())
        return res

    @torch.no_grad()
    def __call__(self, theta_row, s):
        bench = torch.backends.cudnn.benchmark
        torch.backends.cudnn.benchmark = False
        th = theta_row.detach().reshape(1, P)
        res = {}
        for name in ('set5', 'val'):
            for j, style in ((1, 'y'), (2, 'rgb')):
                ps = []
                for it in self.sets[(name, s)]:
                    x = it[j].float().div(255)[None, None]
                    out = forward(th, x)[0, 0].clamp(0, 1)
                    pred = torch.floor(out * 255 + 0.5)
                    ps.append(self.psnr(pred, it[0], s))
                res[f'{name}_{style}'] = torch.stack(ps).mean()
        torch.backends.cudnn.benchmark = bench
        return {k: round(float(v), 4) for k, v in res.items()}


# ----------------------------------------------------------------------------------------------- jobs and plan
def fmt_patches(steps, batch):
    p = steps * batch / 1e6
    return f'{p:.2f}M' if p < 10 else f'{p:.1f}M'


def make_jobs():
    # (scale, mode, multiple of U, weight, dep, seed, init)
    spec = [
        (2, 'uniform', 1, 100, None, 1),
        (2, 'uniform', 4, 90, None, 1),
        (2, 'uniform', 16, 85, None, 1),
        (2, 'uniform', 2, 70, None, 1),
        (2, 'grad0.5', 1, 62, None, 1),
        (2, 'resid0.5', 1, 61, None, 1),
        (3, 'uniform', 2, 52, None, 1),
        (3, 'warm', 1, 51, 'x2_uniform_1', 1),
        (2, 'grad0.5', 2, 42, None, 1),
        (2, 'resid0.5', 2, 41, None, 1),
        (3, 'uniform', 1, 36, None, 1),
        (2, 'uniform', 8, 31, None, 1),
        (3, 'uniform', 4, 26, None, 1),
        (2, 'uniform', 1, 21, None, 2),
        (2, 'grad0.5', 1, 20, None, 2),
        (2, 'resid0.5', 1, 19, None, 2),
        (2, 'grad2', 1, 16, None, 1),
        (2, 'resid2', 1, 15, None, 1),
        (3, 'uniform', 8, 11, None, 1),
        (2, 'uniform', 2, 10, None, 2),
        (2, 'grad0.5', 2, 9, None, 2),
        (2, 'resid0.5', 2, 9, None, 2),
        (3, 'uniform', 16, 8, None, 1),
        (2, 'uniform', 1, 6, None, 3),
        (2, 'grad0.5', 1, 6, None, 3),
        (2, 'resid0.5', 1, 6, None, 3),
    ]
    jobs = []
    for s, mode, mult, weight, dep, seed in spec:
        name = f'x{s}_{mode}_{mult}' + (f'_s{seed}' if seed != 1 else '')
        jobs.append(dict(name=name, scale=s, mode=mode, mult=mult, steps=mult * U, weight=weight, dep=dep, seed=seed))
    only = os.environ.get('JOBS')
    if only:
        jobs = [j for j in jobs if j['name'] in only.split(',')]
    return jobs


def simulate(jobs, R, order='lpt'):
    """Event-driven list scheduling on R slots; jobs with dependents first, then longest first ('lpt') or most
    important first ('prio'). Returns (makespan_steps, [(start, slot, job)]), or (None, None) if a dependency is
    missing."""
    names = {j['name'] for j in jobs}
    if any(j['dep'] and j['dep'] not in names for j in jobs):
        return None, None
    has_dep = {j['dep'] for j in jobs if j['dep']}
    if order == 'lpt':
        pending = sorted(jobs, key=lambda j: (j['name'] not in has_dep, -j['steps'], -j['weight']))
    else:
        pending = sorted(jobs, key=lambda j: (j['name'] not in has_dep, -j['weight']))
    free = list(range(R))
    running, finished, plan, now = [], {}, [], 0
    while pending or running:
        for j in list(pending):
            if not free:
                break
            if j['dep'] and j['dep'] not in finished:
                continue
            slot = free.pop(0)
            plan.append((now, slot, j))
            running.append((now + j['steps'], slot, j))
            pending.remove(j)
        if not running:
            return None, None
        now = min(r[0] for r in running)
        for r in [r for r in running if r[0] == now]:
            running.remove(r)
            finished[r[2]['name']] = now
            free.append(r[1])
        free.sort()
    return now, plan


def choose_plan(jobs, costs, budget, eval_cost):
    best = None
    for R, c in sorted(costs.items()):
        for order in ('prio', 'lpt'):
            admitted = []
            for j in sorted(jobs, key=lambda j: -j['weight']):
                trial = admitted + [j]
                mk, _ = simulate(trial, R, order)
                if mk is None:
                    continue
                n_evals = sum(1 + int(math.log2(x['mult'])) for x in trial)
                if mk * c + n_evals * eval_cost <= budget:
                    admitted = trial
            if not admitted:
                continue
            mk, plan = simulate(admitted, R, order)
            score = sum(j['weight'] for j in admitted)
            key = (tuple(sorted((j['weight'] for j in admitted), reverse=True)), order == 'prio', -mk * c)
            log(f'plan R={R} {order}: c={c * 1e3:.3f} ms/step, {len(admitted)} jobs, score {score}, makespan {mk} steps = {mk * c:.0f}s')
            if best is None or key > best[0]:
                best = (key, R, admitted, mk, plan, order)
    if best is None:
        R = min(costs)
        mk, plan = simulate(jobs[:1], R)
        return R, jobs[:1], mk, plan, 'fallback'
    return best[1:]


# ----------------------------------------------------------------------------------------------- results
RESULTS = {'meta': {}, 'bicubic': {}, 'jobs': {}, 'bench': {}, 'notes': []}


def write_results():
    RESULTS['meta']['elapsed_s'] = round(time.time() - T0, 1)
    tmp = os.path.join(OUT, 'results.json.tmp')
    with open(tmp, 'w') as f:
        json.dump(RESULTS, f, indent=1)
    os.replace(tmp, os.path.join(OUT, 'results.json'))
    lines = ['| run | scale | sampling | init | patches | seed | Set5 (Y path) | Set5 (RGB path) | val (Y path) | val (RGB path) | status |',
             '|---|---|---|---|---|---|---|---|---|---|---|']
    for name, r in RESULTS['jobs'].items():
        e = r.get('final') or r.get('partial') or {}
        lines.append(f"| {name} | x{r['scale']} | {r['sampling']} | {r['init']} | {r['patches']} | {r['seed']} | "
                     f"{e.get('set5_y', '')} | {e.get('set5_rgb', '')} | {e.get('val_y', '')} | {e.get('val_rgb', '')} | {r['status']} |")
    lines.append('')
    lines.append('In-run milestones (same run, cosine over its full length, evaluated part-way):')
    for name, r in RESULTS['jobs'].items():
        for m in r.get('milestones', []):
            lines.append(f"- {name} at {m['patches']}: Set5 {m['set5_y']} / val {m['val_y']} (Y path)")
    with open(os.path.join(OUT, 'results.md'), 'w') as f:
        f.write('\n'.join(lines) + '\n')


def main():
    log('device', dev, torch.__version__, torch.cuda.get_device_name() if dev.type == 'cuda' else '')
    npz = np.load(DATA)
    jobs = make_jobs()
    table_specs = sorted({(j['scale'], 'uniform' if j['mode'] == 'warm' else j['mode']) for j in jobs})
    scales = sorted({s for s, _ in table_specs})
    ev = Evaluator(npz)
    bic = ev.bicubic()
    RESULTS['bicubic'] = {k: round(v, 4) for k, v in bic.items()}
    log('bicubic sanity:', json.dumps(RESULTS['bicubic']))
    for key, ref in (('set5_x2_y', 33.66), ('set5_x3_y', 30.39)):
        if abs(bic[key] - ref) > 0.02:
            RESULTS['notes'].append(f'WARNING bicubic {key} {bic[key]:.4f} vs {ref}')
            log('WARNING bicubic off:', key, bic[key], ref)
    zero = ev(torch.zeros(P, device=dev), 2)
    log('zero-weights model eval (must equal bicubic x2):', zero)
    data = Data(npz, scales, table_specs)
    sync()
    log(f'data ready: {len(data.meta)} planes, {data.hr.numel() / 1e6:.1f} M px, tables {data.tables}, '
        f'cdf {data.cdf_all.numel() / 1e6:.1f} M')
    RESULTS['meta'].update(dict(device=str(torch.cuda.get_device_name() if dev.type == 'cuda' else 'cpu'), torch=torch.__version__,
                                batch=BATCH, step_unit=U, train_images=int(len(npz['train_names'])),
                                val_images=[str(n) for n in npz['val_names']], tables=[f'x{s}:{m}' for s, m in table_specs]))
    # sampling diagnostics: mean gradient / residual measure of patches drawn by each x2 table
    with torch.no_grad():
        diag = {}
        for (s, mode), k in data.tables.items():
            tab = torch.full((1,), k, dtype=torch.int64, device=dev)
            x, y = data.sample(tab, 1, 4096)
            gx = (y[..., :, 1:] - y[..., :, :-1]).abs().mean() + (y[..., 1:, :] - y[..., :-1, :]).abs().mean()
            rs = (y - x).abs().mean()
            diag[f'x{s}:{mode}'] = dict(grad=round(float(gx) * 255, 3), resid=round(float(rs) * 255, 3))
        RESULTS['meta']['sampling_diag'] = diag
        log('sampling diagnostics (mean |dx|+|dy| and |HR-bicubic| of drawn label patches, 0-255):', json.dumps(diag))
    # check sampled windows are real windows
    with torch.no_grad():
        tab = torch.full((2,), data.tables[(2, 'uniform')], dtype=torch.int64, device=dev)
        x, y, (img, yy, xx, tr, gpos) = data.sample(tab, 2, 8, with_pos=True)
        for b in range(3):
            i, py, px, t = int(img[0, b]), int(yy[0, b]), int(xx[0, b]), int(tr[0, b])
            _, off, h, w = data.meta[i]
            win = data.hr[off : off + h * w].view(h, w)[py : py + PATCH, px : px + PATCH].reshape(-1)
            assert torch.equal((win[data.maps[t]].float() / 255).view(PATCH, PATCH), y[b, 0]), 'patch mismatch'
    write_results()

    # ---- benchmark slot counts
    torch.backends.cudnn.benchmark = True
    costs, trainers = {}, {}
    uni2 = data.tables[(2, 'uniform')]
    bench_deadline = time.time() + float(os.environ.get('BENCH_S', 45))
    best_tp = 0
    for R in RCANDS:
        if time.time() > bench_deadline:
            break
        t0 = time.time()
        tr = Trainer(R, data, BATCH)
        tr.tab.fill_(uni2)
        with torch.no_grad():
            for r in range(R):
                tr.theta[r].copy_(init_theta(r).to(dev))
        tr.build_graph()
        tr.run(3)
        sync()
        t1 = time.time()
        tr.run(5)
        sync()
        est = (time.time() - t1) / 5
        n = max(5, min(400, int(1.0 / max(est, 1e-5))))
        t1 = time.time()
        tr.run(n)
        sync()
        c = (time.time() - t1) / n
        costs[R] = c
        trainers[R] = tr
        tp = R * BATCH / c
        RESULTS['bench'][str(R)] = dict(ms_per_step=round(c * 1e3, 4), patches_per_s=round(tp), graph=tr.graph is not None,
                                        setup_s=round(t1 - t0, 2), graph_error=tr.graph_error)
        log(f'bench R={R}: {c * 1e3:.3f} ms/step, {tp:.0f} patches/s, graph={tr.graph is not None}, setup {t1 - t0:.1f}s')
        if tp < best_tp * 0.9:
            break
        best_tp = max(best_tp, tp)
    # eval cost
    t1 = time.time()
    ev(trainers[min(costs)].theta[0], 2)
    sync()
    eval_cost = time.time() - t1 + 0.05
    budget = (DEADLINE - (time.time() - T0) - 12) * 0.93 * float(os.environ.get('BUDGET_X', 1))
    R, admitted, makespan, plan, order = choose_plan(make_jobs(), costs, budget, eval_cost)
    for k in list(trainers):
        if k != R:
            del trainers[k]
    tr = trainers[R]
    c = costs[R]
    RESULTS['meta'].update(dict(slots=R, order=order, ms_per_step=round(c * 1e3, 4), eval_s=round(eval_cost, 3), budget_s=round(budget, 1),
                                plan_makespan_steps=makespan, plan_est_s=round(makespan * c, 1)))
    log(f'chosen R={R}: {len(admitted)} jobs, makespan {makespan} steps ~ {makespan * c:.0f}s, budget {budget:.0f}s, eval {eval_cost:.2f}s')
    for start, slot, j in plan:
        log(f'  slot {slot}: {j["name"]} steps {j["steps"]} from {start}')
    for j in make_jobs():
        RESULTS['jobs'][j['name']] = dict(scale=j['scale'], sampling='uniform' if j['mode'] == 'warm' else j['mode'],
                                          init=f"warm from {j['dep']}" if j['dep'] else 'scratch', patches=fmt_patches(j['steps'], BATCH),
                                          steps=j['steps'], seed=j['seed'], status='not run (no time)')
    for j in admitted:
        RESULTS['jobs'][j['name']]['status'] = 'planned'
    write_results()

    # ---- execute the plan
    events = {}
    for start, slot, j in plan:
        events.setdefault(start, []).append(('start', slot, j))
        events.setdefault(start + j['steps'], []).append(('end', slot, j))
        k = 1
        while k < j['mult']:
            events.setdefault(start + k * U, []).append(('mile', slot, j))
            k *= 2
    ev_order = {'end': 0, 'mile': 1, 'start': 2}
    finals = {}
    running = {}
    step = 0
    hard = DEADLINE - 10
    last_print = time.time()
    stopped = False
    chunk = max(50, int(2.0 / c))
    for ev_step in sorted(events):
        while step < ev_step:
            n = min(chunk, ev_step - step)
            tr.run(n)
            step += n
            sync()
            if time.time() - last_print > 15:
                last_print = time.time()
                la = (tr.loss_acc / tr.t.clamp(min=1)).tolist()
                log(f'step {step}/{makespan}: ' + ', '.join(f"{running[s]['name']}:{la[s]:.2e}" for s in sorted(running)))
            if time.time() - T0 > hard:
                sync()
                stopped = True
                break
        if stopped:
            break
        for kind, slot, j in sorted(events[ev_step], key=lambda e: ev_order[e[0]]):
            rec = RESULTS['jobs'][j['name']]
            if kind == 'start':
                th0 = finals[j['dep']] if j['dep'] else init_theta(1000 * j['seed'] + zlib.crc32(j['name'].encode()) % 1000)
                tab_id = data.tables[(j['scale'], 'uniform' if j['mode'] == 'warm' else j['mode'])]
                tr.start(slot, th0.to(dev), j['steps'], tab_id)
                running[slot] = j
                rec['status'] = 'running'
                rec['t_start'] = round(time.time() - T0, 1)
            elif kind == 'mile':
                done = int(tr.t[slot].item())
                e = ev(tr.theta[slot], j['scale'])
                rec.setdefault('milestones', []).append(dict(steps=done, patches=fmt_patches(done, BATCH), **e))
                log(f"milestone {j['name']} @ {fmt_patches(done, BATCH)}: {e}")
            else:
                done = int(tr.t[slot].item())
                assert done == j['steps'], (j['name'], done)
                finals[j['name']] = tr.theta[slot].detach().clone()
                tr.stop(slot)
                e = ev(finals[j['name']], j['scale'])
                loss = float(tr.loss_acc[slot].item()) / max(done, 1)
                rec.update(final=e, status='done', mean_train_loss=loss, t_end=round(time.time() - T0, 1))
                running.pop(slot, None)
                log(f"DONE {j['name']} ({fmt_patches(done, BATCH)}): {e}")
        write_results()
    if stopped:
        RESULTS['notes'].append(f'stopped at the deadline at step {step}')
        for r in RESULTS['jobs'].values():
            if r['status'] == 'planned':
                r['status'] = 'not started (deadline)'
        for slot, j in running.items():
            done = int(tr.t[slot].item())
            e = ev(tr.theta[slot], j['scale'])
            rec = RESULTS['jobs'][j['name']]
            if done >= j['steps']:
                rec.update(status='done (at deadline)', final=e)
                finals[j['name']] = tr.theta[slot].detach().clone()
            else:
                rec.update(status=f'PARTIAL: stopped after {done}/{j["steps"]} steps (cosine not finished)', partial=e)
            log(f"PARTIAL {j['name']} {done}/{j['steps']}: {e}")
    RESULTS['meta']['train_wall_s'] = round(time.time() - T0, 1)
    write_results()
    np.savez(os.path.join(OUT, 'weights.npz'), **{k: v.cpu().numpy() for k, v in finals.items()})
    log('finished')
    print(open(os.path.join(OUT, 'results.md')).read())


if __name__ == '__main__':
    try:
        main()
    except BaseException as e:  # keep whatever was measured
        import traceback

        traceback.print_exc()
        RESULTS['notes'].append('CRASH: ' + repr(e)[:500])
        write_results()
        raise
