#!/usr/bin/python3
"""The PyTorch reference for bench/train.bench.ts: the same architecture, loss and optimiser as SR Studio's
generated train step (forward, MSE, autograd backward, Adam), timed on fixed random batches.

    pytorch_train.py ARCH SCALE BATCH PATCH STEPS THREADS

ARCH: srcnn-9-1-5 | srcnn-9-5-5 (valid convolutions, upsampled input of PATCH², label (PATCH-2r)²)
      | fsrcnn (d=56, s=12, m=4; LR input of (PATCH/SCALE)², label PATCH²).
Prints one JSON line: {"samples_per_second", "seconds_per_step", "torch", "threads", "loss"}.
"""
import json
import sys
import time

import torch
from torch import nn


def srcnn(f2: int) -> nn.Module:
    return nn.Sequential(nn.Conv2d(1, 64, 9), nn.ReLU(), nn.Conv2d(64, 32, f2), nn.ReLU(), nn.Conv2d(32, 1, 5))


def fsrcnn(scale: int, d: int = 56, s: int = 12, m: int = 4) -> nn.Module:
    layers = [nn.Conv2d(1, d, 5, padding=2), nn.PReLU(d), nn.Conv2d(d, s, 1), nn.PReLU(s)]
    for _ in range(m):
        layers += [nn.Conv2d(s, s, 3, padding=1), nn.PReLU(s)]
    layers += [nn.Conv2d(s, d, 1), nn.PReLU(d), nn.ConvTranspose2d(d, 1, 9, stride=scale, padding=4, output_padding=scale - 1)]
    return nn.Sequential(*layers)


def main() -> None:
    arch, scale, batch, patch, steps, threads = sys.argv[1:7]
    scale, batch, patch, steps, threads = int(scale), int(batch), int(patch), int(steps), int(threads)
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    if arch == "srcnn-9-1-5" or arch == "srcnn-9-5-5":
        net = srcnn(1 if arch == "srcnn-9-1-5" else 5)
        radius = 4 + (0 if arch == "srcnn-9-1-5" else 2) + 2
        x = torch.rand(batch, 1, patch, patch)
        target = torch.rand(batch, 1, patch - 2 * radius, patch - 2 * radius)
    elif arch == "fsrcnn":
        net = fsrcnn(scale)
        x = torch.rand(batch, 1, patch // scale, patch // scale)
        target = torch.rand(batch, 1, patch, patch)
    else:
        raise SystemExit(f"unknown architecture {arch}")
    optimiser = torch.optim.Adam(net.parameters(), lr=1e-4)
    loss_fn = nn.MSELoss()

    def step() -> float:
        optimiser.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), target)
        loss.backward()
        optimiser.step()
        return float(loss)

    for _ in range(3):  # warm-up: allocator and kernels
        step()
    t0 = time.perf_counter()
    for _ in range(steps):
        loss = step()
    seconds = (time.perf_counter() - t0) / steps
    print(json.dumps({"samples_per_second": batch / seconds, "seconds_per_step": seconds, "torch": torch.__version__, "threads": torch.get_num_threads(), "loss": loss}))


if __name__ == "__main__":
    main()
