#!/usr/bin/python3
"""An SR Studio network's forward pass in PyTorch with the exact weights SR Studio runs, timed on the same tile batches.

Called by bench/infer.bench.ts:  pytorch_infer.py NETWORK.json WEIGHTS.bin BATCH HEIGHT WIDTH REPEATS THREADS
NETWORK.json is src/engine/training/graph/layers.ts's Network with the scale: {"layers": [...], "skip":
"none"|"input"|"bicubic", "scale": s}, layers of type conv, deconv, relu, prelu, tanh, depthToSpace. WEIGHTS.bin holds
the parameters in layer order (conv/deconv: weight then bias; prelu: slopes), then for the bicubic skip its
[s*s, 1, 5, 5] phase kernel (float32, little-endian, C order). HEIGHT x WIDTH is the network's input.
Prints one JSON line: {"seconds_per_batch": best-of-REPEATS, "torch": version, "threads": n, "checksum": sum of the last output}.
"""
import json
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


class Params:
    def __init__(self, path: str) -> None:
        self.raw = np.fromfile(path, dtype="<f4")
        self.offset = 0

    def take(self, shape) -> torch.Tensor:
        n = int(np.prod(shape))
        t = torch.from_numpy(self.raw[self.offset : self.offset + n].reshape(shape).copy())
        self.offset += n
        return t


def build(network: dict, params: Params) -> torch.nn.Module:
    modules = []
    for layer in network["layers"]:
        kind = layer["type"]
        if kind == "conv":
            m = torch.nn.Conv2d(layer["cin"], layer["cout"], layer["k"], padding=layer["pad"])
        elif kind == "deconv":
            m = torch.nn.ConvTranspose2d(
                layer["cin"], layer["cout"], layer["k"], stride=layer["stride"], padding=layer["pad"], output_padding=layer["outputPadding"]
            )
        elif kind == "prelu":
            m = torch.nn.PReLU(layer["channels"])
            with torch.no_grad():
                m.weight.copy_(params.take([layer["channels"]]))
        elif kind == "relu":
            m = torch.nn.ReLU()
        elif kind == "tanh":
            m = torch.nn.Tanh()
        elif kind == "depthToSpace":
            m = torch.nn.PixelShuffle(layer["blocksize"])
        else:
            raise ValueError(f"unknown layer type {kind}")
        if kind in ("conv", "deconv"):
            with torch.no_grad():
                m.weight.copy_(params.take(list(m.weight.shape)))
                m.bias.copy_(params.take([layer["cout"]]))
        modules.append(m)
    return torch.nn.Sequential(*modules).eval()


def main() -> None:
    network_path, bin_path, batch, height, width, repeats, threads = sys.argv[1:8]
    batch, height, width, repeats, threads = int(batch), int(height), int(width), int(repeats), int(threads)
    torch.set_num_threads(threads)
    network = json.load(open(network_path))
    params = Params(bin_path)
    net = build(network, params)
    skip, scale = network["skip"], network["scale"]
    phases = params.take([scale * scale, 1, 5, 5]) if skip == "bicubic" else None

    def forward(x: torch.Tensor) -> torch.Tensor:
        y = net(x)
        if skip == "input":
            return y + x
        if skip == "bicubic":
            # MATLAB bicubic x scale as in the exported graph: edge padding, one phase conv, pixel shuffle (= DepthToSpace CRD).
            return y + F.pixel_shuffle(F.conv2d(F.pad(x, (2, 2, 2, 2), mode="replicate"), phases), scale)
        return y

    x = torch.rand(batch, 1, height, width)
    best = float("inf")
    with torch.no_grad():
        forward(x)  # warm-up
        for _ in range(repeats):
            t0 = time.perf_counter()
            y = forward(x)
            best = min(best, time.perf_counter() - t0)
    print(json.dumps({"seconds_per_batch": best, "torch": torch.__version__, "threads": torch.get_num_threads(), "checksum": float(y.sum())}))


if __name__ == "__main__":
    main()
