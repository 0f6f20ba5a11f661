#!/usr/bin/python3
"""The whole comparison table in Python, for a side-by-side wall time with `specres-cli compare`.

G, GM and UGM with scikit-learn's GaussianMixture and NumPy; VE and DCGM with PyTorch; every
method × spherical, diagonal and full, with SpecRes's default settings on the same spectra
(export_prepared writes them from the same split):
  G    one joint Gaussian (ridge 1e-6), conditioned on x;
  GM   K = 30, 3 initialisations, ≤ 100 EM iterations, tolerance 1e-3, the ridge chosen from
       {1e-5 … 1e-1} × the data's mean variance by the conditional's validation NLL;
  UGM  GM's fits (reused, as SpecRes does) collapsed by moment matching, its own ridge choice;
  VE   256-256 encoder, 16-d latent, mirrored decoder, sigmoid output, KL weight 1e-3,
       dropout chosen from {0, 0.1, 0.3} by validation squared error;
  DCGM 256-256 trunk, sigmoid mean, softplus + 1e-3 diagonal, dropout chosen from
       {0.1, 0.3, 0.5, 0.7} by validation NLL; full: diagonal pre-training, then the C1/C2
       decoders fine-tuned on the frozen trunk's features.
Neural nets: Adam 1e-3, batch 32, ≤ 400 epochs, patience 20, best weights restored; a dropout
candidate is given up once it has trained as many epochs as the incumbent needed without
reaching its loss. Every density model's covariance is rescaled by one factor fitted on the
validation split. SpecRes also computes calibration scores (CRPS, energy score, PIT) that this
reference skips, so the reference does less work than SpecRes.
Usage: reference_table.py FOLDER [TORCH_THREADS]   (python3-sklearn, python3-torch)
"""
import math
import sys
import time

import numpy as np
import torch
from scipy.linalg import solve_triangular
from scipy.optimize import minimize_scalar
from scipy.special import logsumexp
from sklearn.mixture import GaussianMixture

folder = sys.argv[1]
torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
inputs = int(open(f"{folder}/inputs.txt").read())
load = lambda name: np.loadtxt(f"{folder}/{name}.csv", delimiter=",")
train, validation, test = load("train"), load("validation"), load("test")
split = lambda d: (d[:, :inputs], d[:, inputs:])
(xt, yt), (xv, yv), (xs, ys) = split(train), split(validation), split(test)
n = yt.shape[1]
LOG2PI = math.log(2 * math.pi)
COV = {"spherical": "spherical", "diagonal": "diag", "full": "full"}


def rmse(prediction, truth):
    return float(np.sqrt(np.mean((prediction - truth) ** 2)))


def gaussian_nll(mean, cov, y):
    """Per-row −log N(y; mean, cov) for batches of full covariances (B × n × n)."""
    chol = np.linalg.cholesky(cov)
    r = np.linalg.solve(chol, (y - mean)[..., None])[..., 0]
    logdet = 2 * np.log(np.diagonal(chol, axis1=-2, axis2=-1)).sum(-1)
    return 0.5 * (r ** 2).sum(-1) + 0.5 * logdet + 0.5 * n * LOG2PI, r


def scale_for(mahalanobis):
    """The covariance factor s that minimises the mean Gaussian NLL: mean(r'C⁻¹r) / n."""
    return float(np.mean(mahalanobis)) / n


# ---- joint-Gaussian conditioning (G, GM, UGM) ----

def component_conditionals(means, covs, x):
    """Each component's p(y | x): weights (B × K, log), means (B × K × n), covariances (K × n × n)."""
    mx, my = means[:, :inputs], means[:, inputs:]
    sxx, syx, syy = covs[:, :inputs, :inputs], covs[:, inputs:, :inputs], covs[:, inputs:, inputs:]
    gain = syx @ np.linalg.inv(sxx)                                # K × n × d
    cmean = my[None] + np.einsum("knd,bkd->bkn", gain, x[:, None] - mx[None])
    ccov = syy - gain @ np.transpose(syx, (0, 2, 1))
    chol = np.linalg.cholesky(sxx)
    r = np.linalg.solve(chol[None], (x[:, None] - mx[None])[..., None])[..., 0]
    logx = -0.5 * (r ** 2).sum(-1) - np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(-1) \
        - 0.5 * inputs * LOG2PI
    return logx, cmean, ccov


def full_covariances(gm, dim):
    k = gm.means_.shape[0]
    if gm.covariance_type == "full":
        return gm.covariances_
    if gm.covariance_type == "diag":
        return np.stack([np.diag(c) for c in gm.covariances_])
    return np.stack([np.eye(dim) * c for c in np.broadcast_to(gm.covariances_, (k,))])


def mixture_scores(weights, means, covs, x, y, collapse, family, scale=1.0):
    """Point prediction and per-row NLL of the conditional mixture (GM) or its collapse (UGM)."""
    logx, cmean, ccov = component_conditionals(means, covs, x)
    logw = np.log(weights)[None] + logx
    logw -= logsumexp(logw, axis=1, keepdims=True)
    if not collapse:
        logp = np.empty_like(logw)
        for k in range(ccov.shape[0]):
            chol = np.linalg.cholesky(scale * ccov[k])
            r = solve_triangular(chol, (y - cmean[:, k]).T, lower=True)
            logp[:, k] = -0.5 * (r ** 2).sum(0) - np.log(np.diag(chol)).sum() - 0.5 * n * LOG2PI
        best = np.argmax(logw, axis=1)
        return cmean[np.arange(len(x)), best], -logsumexp(logw + logp, axis=1), None
    w = np.exp(logw)
    mean = np.einsum("bk,bkn->bn", w, cmean)
    d = cmean - mean[:, None]
    cov = np.einsum("bk,knm->bnm", w, ccov) + np.einsum("bk,bkn,bkm->bnm", w, d, d)
    if family == "diagonal":
        cov = np.stack([np.diag(np.diag(c)) for c in cov])
    elif family == "spherical":
        cov = np.stack([np.eye(n) * np.trace(c) / n for c in cov])
    nll, r = gaussian_nll(mean, scale * cov, y)
    return mean, nll, (r ** 2).sum(-1) * scale


def joint_gaussian(family, x, y):
    data = np.hstack([x, y])
    mean, cov = data.mean(0), np.cov(data, rowvar=False, bias=True) + 1e-6 * np.eye(data.shape[1])
    if family == "diagonal":
        cov = np.diag(np.diag(cov))
    elif family == "spherical":
        cov = np.eye(len(mean)) * np.trace(cov) / len(mean)
    return np.ones(1), mean[None], cov[None]


def mixture_method(name, family, fits):
    """GM or UGM from the ridge candidates' fits: choose by validation NLL, rescale, score."""
    collapse = name != "GM"
    best = None
    for gm in fits:
        covs = full_covariances(gm, inputs + n)
        _, nll, _ = mixture_scores(gm.weights_, gm.means_, covs, xv, yv, collapse, family)
        if best is None or nll.mean() < best[0]:
            best = (nll.mean(), gm, covs)
    _, gm, covs = best
    fit = lambda s: mixture_scores(gm.weights_, gm.means_, covs, xv, yv, collapse, family, s)[1].mean()
    scale = math.exp(minimize_scalar(lambda t: fit(math.exp(t)), bounds=(-5, 5), method="bounded").x)
    point, nll, _ = mixture_scores(gm.weights_, gm.means_, covs, xs, ys, collapse, family, scale)
    return rmse(point, ys), float(nll.mean())


# ---- PyTorch models ----

def dense_stack(width_in, widths, dropout):
    layers = []
    for w in widths:
        layers += [torch.nn.Linear(width_in, w), torch.nn.ReLU()]
        if dropout > 0:
            layers.append(torch.nn.Dropout(dropout))
        width_in = w
    return torch.nn.Sequential(*layers)


class Dcgm(torch.nn.Module):
    def __init__(self, family, dropout):
        super().__init__()
        self.family = family
        self.trunk = dense_stack(inputs, [256, 256], dropout)
        self.mean = torch.nn.Linear(256, n)
        self.diagonal = torch.nn.Linear(256, 1 if family == "spherical" else n)
        if family == "full":
            self.lower = torch.nn.Linear(256, n * (n - 1) // 2)
            torch.nn.init.zeros_(self.lower.weight)
            torch.nn.init.zeros_(self.lower.bias)
            self.rows, self.cols = torch.tril_indices(n, n, -1)

    def decode(self, h, with_lower):
        c1 = torch.nn.functional.softplus(self.diagonal(h)) + 1e-3
        lower = self.lower(h) if with_lower and self.family == "full" else None
        return torch.sigmoid(self.mean(h)), c1, lower

    def nll(self, out, y):
        mean, c1, lower = out
        r = y - mean
        u = c1 * r
        if lower is not None:
            u = u.index_add(1, self.cols, lower * r.index_select(1, self.rows))
        logdet = n * torch.log(c1).squeeze(1) if c1.shape[1] == 1 else torch.log(c1).sum(1)
        return 0.5 * u.pow(2).sum(1) - logdet + 0.5 * n * LOG2PI


class Ve(torch.nn.Module):
    def __init__(self, family, dropout, latent=16):
        super().__init__()
        self.family, self.latent = family, latent
        self.encoder = dense_stack(inputs, [256, 256], dropout)
        self.latent_mean = torch.nn.Linear(256, latent)
        outputs = {"spherical": 1, "diagonal": latent, "full": latent + latent * (latent - 1) // 2}
        self.latent_scale = torch.nn.Linear(256, outputs[family])
        self.decoder = dense_stack(latent, [256, 256], dropout)
        self.output = torch.nn.Linear(256, n)
        self.rows, self.cols = torch.tril_indices(latent, latent, -1)

    def loss(self, x, y):
        h = self.encoder(x)
        mu, s = self.latent_mean(h), self.latent_scale(h)
        eps = torch.randn_like(mu)
        if self.family != "full":
            sd = torch.exp(0.5 * s).expand_as(mu)
            kl = 0.5 * (sd.pow(2).sum(1) + mu.pow(2).sum(1) - self.latent) - torch.log(sd).sum(1)
            z = mu + sd * eps
        else:
            b, d = x.shape[0], self.latent
            factor = torch.diag_embed(torch.exp(0.5 * s[:, :d])).view(b, d * d)
            factor = factor.index_add(1, self.rows * d + self.cols, s[:, d:]).view(b, d, d)
            z = mu + torch.bmm(factor, eps.unsqueeze(2)).squeeze(2)
            kl = 0.5 * (factor.pow(2).sum((1, 2)) + mu.pow(2).sum(1) - d) \
                - torch.log(torch.diagonal(factor, 0, 1, 2)).sum(1)
        reconstruction = torch.sigmoid(self.output(self.decoder(z)))
        return ((reconstruction - y).pow(2).sum(1) + 1e-3 * kl).mean()

    def point(self, x):
        return torch.sigmoid(self.output(self.decoder(self.latent_mean(self.encoder(x)))))


def train_phase(model, parameters, batch_loss, validation_loss, x, y, give_up=None):
    """Adam, batch 32, ≤ 400 epochs, patience 20, best weights restored."""
    optimiser = torch.optim.Adam(parameters, lr=1e-3)
    best, best_epoch, best_state, since = math.inf, 0, None, 0
    for epoch in range(1, 401):
        model.train()
        order = torch.randperm(x.shape[0])
        for i in range(0, x.shape[0], 32):
            index = order[i:i + 32]
            optimiser.zero_grad()
            batch_loss(x[index], y[index]).backward()
            optimiser.step()
        model.eval()
        with torch.no_grad():
            loss = float(validation_loss())
        if loss < best - 1e-6 * abs(best) or not math.isfinite(best):
            best, best_epoch, since = loss, epoch, 0
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        else:
            since += 1
            if since >= 20:
                break
        if give_up and give_up(epoch, best):
            break
    model.load_state_dict(best_state)
    model.eval()
    return best, best_epoch


def dropout_search(grid, make, train):
    chosen = None
    for dropout in grid:
        torch.manual_seed(1)
        model = make(dropout)
        rule = None
        if chosen:
            target, budget = chosen[1], chosen[2]
            rule = lambda epoch, best: epoch >= budget and not best < target
        loss, epoch = train(model, rule)
        if chosen is None or loss < chosen[1]:
            chosen = (model, loss, epoch)
        else:
            break  # SpecRes's default rule: stop at the first rate that does not win
    return chosen[0]


def tensors(*arrays):
    return [torch.tensor(a, dtype=torch.float32) for a in arrays]


Xt, Yt, Xv, Yv, Xs, Ys = tensors(xt, yt, xv, yv, xs, ys)


def dcgm(family):
    two_phases = family == "full"

    def train(model, rule):
        params = [p for k, p in model.named_parameters() if not k.startswith("lower.")]
        return train_phase(model, params,
                           lambda bx, by: model.nll(model.decode(model.trunk(bx), not two_phases), by).mean(),
                           lambda: model.nll(model.decode(model.trunk(Xv), not two_phases), Yv).mean(),
                           Xt, Yt, rule)

    model = dropout_search([0.1, 0.3, 0.5, 0.7], lambda d: Dcgm(family, d), train)
    if two_phases:
        with torch.no_grad():
            ft, fv = model.trunk(Xt), model.trunk(Xv)
        heads = list(model.diagonal.parameters()) + list(model.lower.parameters())
        for p in list(model.trunk.parameters()) + list(model.mean.parameters()):
            p.requires_grad_(False)
        train_phase(model, heads, lambda bf, by: model.nll(model.decode(bf, True), by).mean(),
                    lambda: model.nll(model.decode(fv, True), Yv).mean(), ft, Yt)
    with torch.no_grad():
        def scores(x, y, scale):
            mean, c1, lower = model.decode(model.trunk(x), two_phases)
            u = model.nll((mean, c1, lower), y)  # at scale 1
            quad = 2 * (u - 0.5 * n * LOG2PI + (n * torch.log(c1).squeeze(1) if c1.shape[1] == 1
                                                else torch.log(c1).sum(1)))
            return mean, u + 0.5 * n * math.log(scale) + 0.5 * quad * (1 / scale - 1), quad
        _, _, quad = scores(Xv, Yv, 1.0)
        scale = scale_for(quad.numpy())
        mean, nll, _ = scores(Xs, Ys, scale)
    return rmse(mean.numpy(), ys), float(nll.mean())


def ve(family):
    def train(model, rule):
        return train_phase(model, list(model.parameters()), model.loss,
                           lambda: (model.point(Xv) - Yv).pow(2).sum(1).mean(), Xt, Yt, rule)

    model = dropout_search([0.0, 0.1, 0.3], lambda d: Ve(family, d), train)
    with torch.no_grad():
        return rmse(model.point(Xs).numpy(), ys), None


# ---- the table ----

rows, timings, start = [], {}, time.perf_counter()
for family in ("spherical", "diagonal", "full"):
    t = time.perf_counter()
    weights, means, covs = joint_gaussian(family, xt, yt)
    _, nll_v, quad = mixture_scores(weights, means, covs, xv, yv, True, family)
    point, nll, _ = mixture_scores(weights, means, covs, xs, ys, True, family, scale_for(quad))
    rows.append(("G", family, rmse(point, ys), float(nll.mean())))
    timings[("G", family)] = time.perf_counter() - t

    t = time.perf_counter()
    data = np.hstack([xt, yt])
    variance = float(np.mean((data - data.mean(0)) ** 2))
    fits = [GaussianMixture(30, covariance_type=COV[family], tol=1e-3, reg_covar=f * variance,
                            max_iter=100, n_init=3, random_state=1).fit(data)
            for f in (1e-5, 1e-4, 1e-3, 1e-2, 1e-1)]
    rows.append(("GM", family, *mixture_method("GM", family, fits)))
    timings[("GM", family)] = time.perf_counter() - t
    t = time.perf_counter()
    rows.append(("UGM", family, *mixture_method("UGM", family, fits)))
    timings[("UGM", family)] = time.perf_counter() - t

    for name, method in (("VE", ve), ("DCGM", dcgm)):
        t = time.perf_counter()
        rows.append((name, family, *method(family)))
        timings[(name, family)] = time.perf_counter() - t
    print(f"{family} done after {time.perf_counter() - start:.0f} s", flush=True)

total = time.perf_counter() - start
print("\n| method | covariance | RMSE | NLL | seconds |")
print("|---|---|---:|---:|---:|")
for name, family, r, nll in rows:
    shown = "–" if nll is None else f"{nll:.2f}"
    print(f"| {name} | {family} | {r:.4f} | {shown} | {timings[(name, family)]:.1f} |")
for name in ("G", "GM", "UGM", "VE", "DCGM"):
    print(f"method {name} {sum(v for (m, _), v in timings.items() if m == name):.1f}")
print(f"total {total:.1f}")
