#!/usr/bin/python3
"""SRCNN forward pass in PyTorch with the exact weights SR Studio runs, timed on the same tile batches.

Called by bench/infer.bench.ts:  pytorch_infer.py WEIGHTS.json WEIGHTS.bin BATCH HEIGHT WIDTH REPEATS THREADS
WEIGHTS.json lists the layers in order: [{"shape": [out, in, k, k], "pad": p}, ...]; WEIGHTS.bin holds, per
layer, its float32 weight then its float32 bias (little-endian, C order). Prints one JSON line:
{"seconds_per_batch": best-of-REPEATS, "torch": version, "threads": n, "checksum": sum of the last output}.
"""
import json
import sys
import time

import numpy as np
import torch


def main() -> None:
    meta_path, bin_path, batch, height, width, repeats, threads = sys.argv[1:8]
    batch, height, width, repeats, threads = int(batch), int(height), int(width), int(repeats), int(threads)
    torch.set_num_threads(threads)
    layers = json.load(open(meta_path))
    raw = np.fromfile(bin_path, dtype="<f4")
    offset = 0
    convs = []
    for layer in layers:
        shape = layer["shape"]
        n = int(np.prod(shape))
        w = torch.from_numpy(raw[offset : offset + n].reshape(shape).copy())
        offset += n
        b = torch.from_numpy(raw[offset : offset + shape[0]].copy())
        offset += shape[0]
        conv = torch.nn.Conv2d(shape[1], shape[0], shape[2], padding=layer["pad"])
        with torch.no_grad():
            conv.weight.copy_(w)
            conv.bias.copy_(b)
        convs.append(conv)
    modules = []
    for i, conv in enumerate(convs):
        modules.append(conv)
        if i < len(convs) - 1:
            modules.append(torch.nn.ReLU())
    net = torch.nn.Sequential(*modules).eval()
    x = torch.rand(batch, 1, height, width)
    best = float("inf")
    with torch.no_grad():
        net(x)  # warm-up
        for _ in range(repeats):
            t0 = time.perf_counter()
            y = net(x)
            best = min(best, time.perf_counter() - t0)
    print(json.dumps({"seconds_per_batch": best, "torch": torch.__version__, "threads": torch.get_num_threads(), "checksum": float(y.sum())}))


if __name__ == "__main__":
    main()
