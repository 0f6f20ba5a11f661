#!/usr/bin/python3
"""The reference for bench_scene_predict's "model alone, in memory": a full-covariance DCGM's
per-pixel summary in PyTorch for Python, at every thread count from 1 to the number of cores.

Same work per pixel as SpecRes's scene prediction without its I/O: the network 5 → 256 → 256
(ReLU) with heads for μ (sigmoid), C1 (softplus + 1e-3) and C2 (n(n−1)/2 values), run on
chunks of 2,048 pixels in float32; then in float64 the factor C, W = C⁻¹ by
torch.linalg.solve_triangular (batched), σ_j = ‖column j of W‖, log det Σ = −2 Σ log C_ii and
trace Σ = ‖W‖²_F. Weights are random: they do not change the work.
Usage: pytorch_scene.py [PIXELS] [CHANNELS] [THREADS]   (Debian: apt-get install python3-torch)
Prints "scene <threads> <pixels per second>" per thread count, best of 3.
"""
import os
import sys
import time

import torch

pixels = int(sys.argv[1]) if len(sys.argv) > 1 else 65536
n = int(sys.argv[2]) if len(sys.argv) > 2 else 99
thread_counts = ([int(t) for t in sys.argv[3].split(",")] if len(sys.argv) > 3
                 else list(range(1, os.cpu_count() + 1)))
chunk = 2048
torch.manual_seed(1)
trunk = torch.nn.Sequential(torch.nn.Linear(5, 256), torch.nn.ReLU(), torch.nn.Linear(256, 256),
                            torch.nn.ReLU())
mean_head = torch.nn.Linear(256, n)
diagonal_head = torch.nn.Linear(256, n)
lower_head = torch.nn.Linear(256, n * (n - 1) // 2)
rows, cols = torch.tril_indices(n, n, -1)
x = torch.rand(pixels, 5)


def summarise(xc):
    h = trunk(xc)
    mu = torch.sigmoid(mean_head(h))
    diagonal = (torch.nn.functional.softplus(diagonal_head(h)) + 1e-3).double()
    lower = lower_head(h).double()
    c = torch.zeros(xc.shape[0], n, n, dtype=torch.float64)
    c[:, rows, cols] = lower
    c.diagonal(dim1=1, dim2=2).copy_(diagonal)
    eye = torch.eye(n, dtype=torch.float64).expand(xc.shape[0], n, n)
    w = torch.linalg.solve_triangular(c, eye, upper=False)
    sigma = w.square().sum(dim=1).sqrt()
    log_det = -2.0 * diagonal.log().sum(dim=1)
    trace = w.square().sum(dim=(1, 2))
    return mu, sigma, log_det, trace


with torch.no_grad():
    for threads in thread_counts:
        torch.set_num_threads(threads)
        summarise(x[:chunk])  # warm-up
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            for s in range(0, pixels, chunk):
                summarise(x[s:s + chunk])
            best = min(best, time.perf_counter() - start)
        print(f"scene {threads} {pixels / best:.0f}", flush=True)
