#!/usr/bin/env python3
"""CPU checks of study.py's pieces: grouped model == separate models, Adam == torch.optim.Adam under the cosine
schedule, torch degradation == numpy reference, and the plan simulator."""
import math
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
# matlab_imresize.py: the protocol's numpy reference, test/reference/ (copy it beside this file to run elsewhere).
sys.path[:0] = [HERE, os.path.join(HERE, '..', '..', '..', 'test', 'reference')]
os.environ.setdefault('OUT', '/tmp/gpu-study-test-out')
import study  # noqa: E402
from matlab_imresize import imresize, to_uint8  # noqa: E402

torch.manual_seed(0)

# 1. grouped forward/grad == per-slot forward/grad
R = 3
theta = torch.randn(R, study.P) * 0.05
theta.requires_grad_(True)
x = torch.rand(4, R, 33, 33)
y = torch.rand(4, R, 33, 33)
out = study.forward(theta, x)
per = ((out - y) ** 2).mean(dim=(0, 2, 3))
(g,) = torch.autograd.grad(per.sum(), theta)
for r in range(R):
    th = theta[r : r + 1].detach().clone().requires_grad_(True)
    o = study.forward(th, x[:, r : r + 1])
    loss = ((o - y[:, r : r + 1]) ** 2).mean()
    (gr,) = torch.autograd.grad(loss, th)
    assert torch.allclose(o, out[:, r : r + 1], atol=1e-6), r
    assert torch.allclose(gr[0], g[r], rtol=1e-4, atol=1e-9), (r, (gr[0] - g[r]).abs().max())
# same model written with nn layers
conv1 = torch.nn.Conv2d(1, 64, 9, padding=4)
conv2 = torch.nn.Conv2d(64, 32, 5, padding=2)
conv3 = torch.nn.Conv2d(32, 1, 5, padding=2)
with torch.no_grad():
    t = theta[1].detach()
    for i, p in enumerate([conv1.weight, conv1.bias, conv2.weight, conv2.bias, conv3.weight, conv3.bias]):
        p.copy_(t[study.OFFS[i] : study.OFFS[i + 1]].view(p.shape))
    xi = x[:, 1:2]
    ref = xi + conv3(torch.relu(conv2(torch.relu(conv1(xi)))))
    assert torch.allclose(ref, out[:, 1:2], atol=1e-6)
print('grouped model OK')


# 2. Adam with per-layer lr and cosine == torch.optim.Adam + manual lr
class FakeData:
    def __init__(self):
        self.g = torch.Generator().manual_seed(5)
        self.batches = []

    def sample(self, tab, R, B):
        x = torch.rand(B, R, 33, 33, generator=self.g)
        y = (x + 0.05 * torch.rand(B, R, 33, 33, generator=self.g)).clamp(0, 1)
        self.batches.append((x, y))
        return x, y


fd = FakeData()
tr = study.Trainer(2, fd, 4)
th0 = study.init_theta(7)
tr.start(0, th0, 10, 0)
tr.start(1, study.init_theta(8), 6, 0)
steps = 6
for _ in range(steps):
    tr.step()
p = th0.clone().requires_grad_(True)
lrb = study.lr_base_vector()
opt = torch.optim.Adam([p], lr=1.0, betas=(0.9, 0.999), eps=1e-8)
T = 10
for i in range(steps):
    x, y = fd.batches[i]
    o = study.forward(p[None], x[:, :1])
    loss = ((o - y[:, :1]) ** 2).mean()
    opt.zero_grad()
    loss.backward()
    f = 0.01 + 0.495 * (1 + math.cos(math.pi * i / (T - 1)))
    # per-element lr: emulate with a gradient-independent trick: Adam's update scales linearly with lr
    with torch.no_grad():
        before = p.detach().clone()
    opt.step()
    with torch.no_grad():
        delta = p - before
        p.copy_(before + delta * f * lrb)
err = (p.detach() - tr.theta[0].detach()).abs().max().item()
print('adam max |diff|', err, 'max |theta change|', (p.detach() - th0).abs().max().item())
assert err < 1e-7, err
assert int(tr.t[0]) == steps and int(tr.t[1]) == 6
print('adam + cosine OK')

# 3. degradation: torch float64 == numpy reference
d = np.load(os.path.join(HERE, 'data.npz'))
flat, shapes = d['train_flat'], d['train_shapes']
o, bad, tot = 0, 0, 0
for k, (h, w) in enumerate(shapes[:6]):
    yk = flat[o : o + h * w].reshape(h, w)
    o += h * w
    for s in (2, 3):
        hr, up = study.degrade_pair(torch.from_numpy(yk.copy()), s)
        h2, w2 = h - h % s, w - w % s
        ref_lr = to_uint8(imresize(yk[:h2, :w2].astype(np.float64), h2 // s, w2 // s))
        ref_up = to_uint8(imresize(ref_lr.astype(np.float64), h2, w2))
        bad += int((up.numpy() != ref_up).sum())
        tot += up.numel()
print(f'degradation: {bad} of {tot} pixels differ from the numpy reference')
assert bad <= tot * 1e-5

# 4. plan simulator
jobs = study.make_jobs()
mk, plan = study.simulate(jobs[:8], 4)
print('simulate 8 jobs on 4 slots: makespan', mk / study.U, 'units')
for start, slot, j in plan:
    print('  ', start / study.U, slot, j['name'])
print('ALL OK')
