#!/usr/bin/python3
"""The DCGM's network and training loop in PyTorch for Python: the comparison for bench_dcgm.

Same architecture (5 → 256 → 256 with ReLU and dropout 0.7, heads for μ (sigmoid), C1
(softplus + 1e-3) and C2), same NLL (precision Cholesky, strictly-lower part by index_add),
Adam at 1e-3 (torch.optim.Adam's default implementation), shuffled mini-batches, a 16-spectrum
validation pass per epoch; at every thread count from 1 to the number of cores, because the
fastest is not always all of them (on two cores one thread wins for this model).
Usage: pytorch_dcgm.py FOLDER [EPOCHS] [BATCHES] [THREADS]   (Debian: apt-get install python3-torch)
Lines "epoch <batch> <threads> <median seconds>" are read by run_dcgm_benchmark.sh.
"""
import math
import os
import sys
import time

import numpy as np
import torch

folder = sys.argv[1] if len(sys.argv) > 1 else "/tmp/specres-bench-dcgm"
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
batches = [int(b) for b in sys.argv[3].split(",")] if len(sys.argv) > 3 else [4, 32]
thread_counts = ([int(t) for t in sys.argv[4].split(",")] if len(sys.argv) > 4
                 else list(range(1, os.cpu_count() + 1)))
data = np.loadtxt(f"{folder}/train.csv", delimiter=",", dtype=np.float32)
x, y = torch.from_numpy(data[:, :5].copy()), torch.from_numpy(data[:, 5:].copy())
n = y.shape[1]
rows, cols = torch.tril_indices(n, n, -1)


class Dcgm(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = torch.nn.Sequential(
            torch.nn.Linear(5, 256), torch.nn.ReLU(), torch.nn.Dropout(0.7),
            torch.nn.Linear(256, 256), torch.nn.ReLU(), torch.nn.Dropout(0.7))
        self.mean = torch.nn.Linear(256, n)
        self.diagonal = torch.nn.Linear(256, n)
        self.lower = torch.nn.Linear(256, n * (n - 1) // 2)
        torch.nn.init.zeros_(self.lower.weight)
        torch.nn.init.zeros_(self.lower.bias)

    def forward(self, inputs):
        h = self.trunk(inputs)
        return (torch.sigmoid(self.mean(h)),
                torch.nn.functional.softplus(self.diagonal(h)) + 1e-3, self.lower(h))


def nll(mean, diagonal, lower, target):
    r = target - mean
    u = (diagonal * r).index_add(1, cols, lower * r.index_select(1, rows))
    return 0.5 * u.pow(2).sum(1) - diagonal.log().sum(1) + 0.5 * n * math.log(2 * math.pi)


for batch in batches:
    for threads in thread_counts:
        torch.set_num_threads(threads)
        torch.manual_seed(1)
        model = Dcgm()
        optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
        times = []
        for epoch in range(epochs):
            start = time.perf_counter()
            model.train()
            order = torch.randperm(x.shape[0])
            for i in range(0, x.shape[0], batch):
                index = order[i:i + batch]
                optimiser.zero_grad()
                loss = nll(*model(x[index]), y[index]).mean()
                loss.backward()
                optimiser.step()
            model.eval()
            with torch.no_grad():
                nll(*model(x[:16]), y[:16]).mean().item()
            times.append(time.perf_counter() - start)
        print(f"epoch {batch} {threads} {np.median(times):.3f}")
        print(f"PyTorch (Python) DCGM (full) epoch at batch {batch:2d}, {threads} thread"
              f"{'' if threads == 1 else 's'}: median {np.median(times):.2f} s over {epochs} epochs",
              flush=True)
