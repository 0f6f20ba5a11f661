#!/usr/bin/python3
"""scikit-learn's GaussianMixture on the data bench_gmm wrote: the comparison for the GM bench.

Same settings as bench_gmm: K = 30, full covariance, one k-means start, tol 1e-3, 100 iterations
at most, reg_covar 1e-6. Prints the median fit time and the held-out log-likelihood.
Usage: sklearn_gmm.py FOLDER [REPEATS]   (Debian: apt-get install python3-sklearn)
"""
import sys
import time

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

folder = sys.argv[1] if len(sys.argv) > 1 else "/tmp/specres-bench-gmm"
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
train = np.loadtxt(f"{folder}/train.csv", delimiter=",")
test = np.loadtxt(f"{folder}/test.csv", delimiter=",")
times, scores, iterations = [], [], []
for r in range(repeats):
    model = GaussianMixture(n_components=30, covariance_type="full", tol=1e-3, reg_covar=1e-6,
                            max_iter=100, n_init=1, init_params="kmeans", random_state=1 + r)
    start = time.perf_counter()
    model.fit(train)
    times.append(time.perf_counter() - start)
    scores.append(model.score(test))
    iterations.append(model.n_iter_)
print(f"scikit-learn GM fit: median {np.median(times):.3f} s over {repeats} runs "
      f"({np.mean(iterations):.1f} EM iterations on average)")
print(f"scikit-learn held-out mean log-likelihood per sample: {np.mean(scores):.3f} ± "
      f"{np.std(scores, ddof=1) if repeats > 1 else 0:.3f} nats (mean ± sd over runs)")

# Equal work for both libraries: exactly 20 EM iterations (tol = 0, so EM never stops early).
warnings.simplefilter("ignore", ConvergenceWarning)
fixed = []
for r in range(repeats):
    model = GaussianMixture(n_components=30, covariance_type="full", tol=0.0, reg_covar=1e-6,
                            max_iter=20, n_init=1, init_params="kmeans", random_state=1 + r)
    start = time.perf_counter()
    model.fit(train)
    fixed.append(time.perf_counter() - start)
print(f"scikit-learn GM fit, exactly 20 EM iterations: median {np.median(fixed):.3f} s")
