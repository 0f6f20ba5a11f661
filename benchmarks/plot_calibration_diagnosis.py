#!/usr/bin/env python3
"""Figures and numbers of docs/calibration.md's diagnosis, from calibration_diagnosis's CSVs.

Usage: plot_calibration_diagnosis.py OUT_FOLDER NAME=PREFIX [NAME=PREFIX ...]
  (needs python3-numpy, python3-scipy, python3-matplotlib)
Writes OUT_FOLDER/calibration-d2.png, OUT_FOLDER/calibration-drivers.png and prints the
numbers the page quotes.
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from scipy import stats

MODELS = ["G/full", "UGM/full", "DCGM/full"]
COLOURS = {"G/full": "#4c72b0", "UGM/full": "#dd8452", "DCGM/full": "#55a868"}


def read(prefix):
    rows = list(csv.DictReader(open(prefix + "_spectra.csv")))
    laws = {}
    for r in csv.DictReader(open(prefix + "_laws.csv")):
        laws.setdefault(r["model"], []).append((float(r["scale"]), float(r["weight"])))
    return rows, laws


def column(rows, model, key, cast=float):
    return np.array([cast(r[key]) for r in rows if r["model"] == model])


def law_quantiles(law, n, p):
    """Quantiles of w χ²_n under a discrete law of w, by bisection on the CDF."""
    scales = np.array([s for s, _ in law])
    weights = np.array([w for _, w in law])
    out = []
    for q in p:
        lo, hi = 0.0, 10 * n * scales.max()
        for _ in range(100):
            mid = 0.5 * (lo + hi)
            if (weights * stats.chi2.cdf(mid / scales, n)).sum() < q:
                lo = mid
            else:
                hi = mid
        out.append(0.5 * (lo + hi))
    return np.array(out)


def main():
    folder = sys.argv[1]
    sets = [a.split("=", 1) for a in sys.argv[2:]]
    data = {name: read(prefix) for name, prefix in sets}
    probabilities = np.linspace(0.01, 0.99, 99)

    # d²/n against χ²_n/n, and the Q–Q raw and under the fitted law.
    fig, axes = plt.subplots(2, len(sets), figsize=(4.2 * len(sets), 7.5), squeeze=False)
    for c, (name, _) in enumerate(sets):
        rows, laws = data[name]
        ax = axes[0][c]
        for model in MODELS:
            d2 = column(rows, model, "d2")
            if d2.size == 0:
                continue
            channels = n_channels(rows, model)
            ax.hist(d2 / channels, bins=np.logspace(-1.3, 1.3, 60), histtype="step",
                    density=True, color=COLOURS[model], label=model)
        grid = np.logspace(-1.3, 1.3, 400)
        ax.plot(grid, stats.chi2.pdf(grid * channels, channels) * channels, "k--",
                label="χ²ₙ/n")
        ax.set_xscale("log")
        ax.set_xlabel("d² / n")
        ax.set_title(f"{name} (n = {channels})")
        ax.legend(fontsize=7)
        ax = axes[1][c]
        ideal = stats.chi2.ppf(probabilities, channels) / channels
        for model in MODELS:
            d2 = column(rows, model, "d2")
            if d2.size == 0:
                continue
            observed = np.quantile(d2, probabilities) / channels
            ax.plot(ideal, observed, color=COLOURS[model], ls=":", label=f"{model} vs χ²ₙ")
            lawq = law_quantiles(laws[model], channels, probabilities) / channels
            ax.plot(lawq, observed, color=COLOURS[model], label=f"{model} vs its law")
        lim = [0.1, 10]
        ax.plot(lim, lim, "k-", lw=0.5)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("law quantile / n")
        ax.set_ylabel("test d² quantile / n")
        ax.legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(folder + "/calibration-d2.png", dpi=110)

    # What d² goes with: the predicted scale, the input's brightness, the mineral, the abundance.
    demo = [name for name, _ in sets if "dominant" in data[name][0][0]]
    fig, grid = plt.subplots(2, 2, figsize=(9.5, 7.5))
    axes = grid.ravel()
    model = "DCGM/full"
    for name, _ in sets:
        rows, _ = data[name]
        d2 = column(rows, model, "d2") / n_channels(rows, model)
        logdet = column(rows, model, "log_det_per_channel")
        bright = column(rows, model, "brightness")
        axes[0].scatter(logdet, d2, s=2, alpha=0.3, label=name)
        axes[1].scatter(bright, d2, s=2, alpha=0.3, label=name)
        rho1 = stats.spearmanr(logdet, d2).correlation
        rho2 = stats.spearmanr(bright, d2).correlation
        print(f"{name} {model}: Spearman d²/n vs log det/n {rho1:+.3f}, vs brightness {rho2:+.3f}")
        for m in MODELS:
            dm = column(rows, m, "d2")
            if dm.size:
                ch = n_channels(rows, m)
                q = np.quantile(dm / ch, [0.01, 0.5, 0.99])
                inside = np.mean((dm > stats.chi2.ppf(0.01, ch)) & (dm < stats.chi2.ppf(0.99, ch)))
                print(f"  {m}: d²/n 1/50/99 % = {q[0]:.2f} / {q[1]:.2f} / {q[2]:.2f};"
                      f" χ²ₙ 1–99 % band holds {inside:.1%} (ideal 98 %)")
    axes[1].set_xscale("log")
    for ax, label in zip(axes[:2], ["log det Σ / n", "mean low-resolution reflectance"]):
        ax.set_yscale("log")
        ax.set_xlabel(label)
        ax.set_ylabel("d² / n (DCGM/full)")
        ax.legend(fontsize=7, markerscale=4)
    for name in demo[:1]:
        rows, _ = data[name]
        d2 = column(rows, model, "d2") / n_channels(rows, model)
        minerals = column(rows, model, "dominant", str)
        abundance = column(rows, model, "abundance")
        names = sorted(set(minerals))
        axes[2].boxplot([d2[minerals == m] for m in names], labels=names, showfliers=False)
        axes[2].set_yscale("log")
        axes[2].tick_params(axis="x", rotation=60, labelsize=7)
        axes[2].set_ylabel("d² / n")
        axes[2].set_title(f"{name}: by dominant mineral")
        axes[3].scatter(abundance, d2, s=2, alpha=0.3)
        axes[3].set_yscale("log")
        axes[3].set_xlabel("dominant mineral's abundance")
        axes[3].set_title(f"{name}: by purity")
        print(f"{name}: Spearman d²/n vs abundance {stats.spearmanr(abundance, d2).correlation:+.3f}")
        for m in names:
            print(f"  {m}: {np.sum(minerals == m)} spectra, median d²/n {np.median(d2[minerals == m]):.2f}")
    fig.tight_layout()
    fig.savefig(folder + "/calibration-drivers.png", dpi=110)

    # How much of log d² the covariates explain (a per-pixel scale could use only that much).
    for name, _ in sets:
        rows, _ = data[name]
        y = np.log(column(rows, model, "d2"))
        cols = [column(rows, model, "log_det_per_channel"), column(rows, model, "brightness")]
        if "abundance" in rows[0]:
            cols.append(column(rows, model, "abundance"))
        X = np.column_stack([np.ones_like(y)] + cols)
        beta, *_ = np.linalg.lstsq(X, y, rcond=None)
        r2 = 1 - np.var(y - X @ beta) / np.var(y)
        print(f"{name}: R² of log d² on the covariates {r2:.3f}")


def n_channels(rows, model):
    return int(float(next(r["channels"] for r in rows if r["model"] == model)))


if __name__ == "__main__":
    main()
