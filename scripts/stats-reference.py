#!/usr/bin/env python3
"""Independent reference values for the statistics in src/main/training/eval/statistics/.

Writes tests/fixtures/stats-reference.json, which tests/unit/statistics/*.test.ts compare against.
Needs numpy, scipy, statsmodels and arch (pip install arch==8.0.0 numpy scipy statsmodels). The series are
generated here with a fixed seed and stored in the file, so the TypeScript side reads exactly the same inputs.

    python3 scripts/stats-reference.py
"""
import itertools
import json
import math
import os

import arch
import numpy as np
import scipy
import scipy.stats as ss
import statsmodels
from arch.bootstrap import SPA, StationaryBootstrap, optimal_block_length
from statsmodels.stats.multitest import multipletests

rng = np.random.default_rng(20261130)
out = {
    "generatedBy": "scripts/stats-reference.py",
    "versions": {
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "statsmodels": statsmodels.__version__,
        "arch": arch.__version__,
    },
}


def ar1(n, phi, rng):
    e = rng.standard_normal(n)
    x = np.empty(n)
    x[0] = e[0] / math.sqrt(1 - phi * phi)
    for t in range(1, n):
        x[t] = phi * x[t - 1] + e[t]
    return x


def pw_textbook(x):
    """Politis-White-Patton with rho(k) = gamma(k)/gamma(0) (arch's lag convention), for the cross-check."""
    n = len(x)
    e = x - x.mean()
    b_max = math.ceil(min(3 * math.sqrt(n), n / 3))
    kn = max(5, int(math.log10(n)))
    m_max = int(math.ceil(math.sqrt(n))) + kn
    cv = 2 * math.sqrt(math.log10(n) / n)
    acv = np.array([e[: n - k] @ e[k:] / n for k in range(m_max + 1)])
    rho = np.abs(acv / acv[0])
    m_hat = None
    for start in range(1, m_max - kn + 2):
        if np.all(rho[start : start + kn] < cv):
            m_hat = start
            break
    m = min(2 * max(m_hat, 1), m_max) if m_hat is not None else m_max
    g = 0.0
    lr = acv[0]
    for k in range(1, m + 1):
        lam = 1 if k / m <= 0.5 else 2 * (1 - k / m)
        g += 2 * lam * k * acv[k]
        lr += 2 * lam * acv[k]
    b_sb = min(((2 * g * g) / (2 * lr * lr)) ** (1 / 3) * n ** (1 / 3), b_max)
    b_cb = min(((2 * g * g) / (4 / 3 * lr * lr)) ** (1 / 3) * n ** (1 / 3), b_max)
    return b_sb, b_cb


# ---- Politis-White block lengths against arch.bootstrap.optimal_block_length
pw = []
for name, x in [
    ("ar1_phi0.5_n400", ar1(400, 0.5, rng)),
    ("ar1_phi0.8_n600", ar1(600, 0.8, rng)),
    ("iid_n250", rng.standard_normal(250)),
    ("ma_overlap14_n500", np.convolve(rng.standard_normal(513), np.ones(14), "valid")),
]:
    a = optimal_block_length(x)
    tb = pw_textbook(x)
    pw.append(
        {
            "name": name,
            "x": [round(float(v), 12) for v in x],
            "archStationary": float(a["stationary"].iloc[0]),
            "archCircular": float(a["circular"].iloc[0]),
            "textbookStationary": tb[0],
            "textbookCircular": tb[1],
        }
    )
# recompute arch on the rounded series actually stored
for p in pw:
    x = np.array(p["x"])
    a = optimal_block_length(x)
    p["archStationary"] = float(a["stationary"].iloc[0])
    p["archCircular"] = float(a["circular"].iloc[0])
    p["textbookStationary"], p["textbookCircular"] = pw_textbook(x)
out["politisWhite"] = pw

# ---- Deflated Sharpe ratio: the numerical example of Bailey & Lopez de Prado (2014)
sr = 2.5 / math.sqrt(250)
v = 0.5 / 250
n_trials = 100
g = 0.5772156649015329
sr0 = math.sqrt(v) * ((1 - g) * ss.norm.ppf(1 - 1 / n_trials) + g * ss.norm.ppf(1 - 1 / (n_trials * math.e)))
T, skew, kurt = 1250, -3.0, 10.0
z = (sr - sr0) * math.sqrt(T - 1) / math.sqrt(1 - skew * sr + (kurt - 1) / 4 * sr * sr)
out["dsrExample"] = {"sharpe": sr, "variance": v, "trials": n_trials, "T": T, "skewness": skew,
                     "kurtosis": kurt, "sr0": sr0, "dsr": float(ss.norm.cdf(z))}

# ---- PSR of a skewed return series (moment skewness / kurtosis, sd with n-1)
r = rng.standard_t(5, 300) * 0.01 + 0.0008
m = r.mean()
sd = r.std(ddof=1)
d = r - m
m2, m3, m4 = (d**2).mean(), (d**3).mean(), (d**4).mean()
sk, ku = m3 / m2**1.5, m4 / m2**2
srr = m / sd
psr = lambda target: float(ss.norm.cdf((srr - target) * math.sqrt(len(r) - 1) / math.sqrt(1 - sk * srr + (ku - 1) / 4 * srr**2)))
out["psr"] = {"returns": [round(float(x), 12) for x in r], "sharpe": srr, "skewness": sk, "kurtosis": ku,
              "psr0": psr(0.0), "psr005": psr(0.05)}
rr = np.array(out["psr"]["returns"])
m = rr.mean(); sd = rr.std(ddof=1); d = rr - m
m2, m3, m4 = (d**2).mean(), (d**3).mean(), (d**4).mean()
sk, ku, srr = m3 / m2**1.5, m4 / m2**2, m / sd
out["psr"].update({"sharpe": srr, "skewness": sk, "kurtosis": ku, "psr0": psr(0.0), "psr005": psr(0.05),
                   "scipySkew": float(ss.skew(rr)), "scipyKurtosis": float(ss.kurtosis(rr, fisher=False))})

# ---- Holm against statsmodels
p = [0.01, 0.04, 0.03, 0.005, 0.20, 0.04]
out["holm"] = {"p": p, "adjusted": [float(x) for x in multipletests(p, method="holm")[1]]}

# ---- Spearman against scipy (with ties)
xs = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]
ys = [2.7, 1.8, 2.8, 1.8, 2.8, 4.5, 9.0, 4.5, 2.3, 5.3, 6.0]
out["spearman"] = {"x": xs, "y": ys, "rho": float(ss.spearmanr(xs, ys).statistic)}


# ---- PBO by CSCV (numpy, following the paper / pypbo)
def pbo(M, S):
    T, N = M.shape
    res = T % S
    M = M[res:]
    sub = (T - res) // S
    blocks = [M[i * sub : (i + 1) * sub] for i in range(S)]
    sharpe = lambda X: X.mean(0) / X.std(0, ddof=1)
    lam = []
    for J in itertools.combinations(range(S), S // 2):
        Jb = [s for s in range(S) if s not in J]
        R = sharpe(np.concatenate([blocks[s] for s in J]))
        Rb = sharpe(np.concatenate([blocks[s] for s in Jb]))
        n_star = int(np.argmax(R))
        w = ss.rankdata(Rb)[n_star] / (N + 1)
        lam.append(math.log(w / (1 - w)))
    lam = np.array(lam)
    return float((lam <= 0).mean()), [float(x) for x in lam]


M1 = rng.standard_normal((163, 4)) * 0.01 + np.array([0.0, 0.0005, 0.001, -0.0005])
pbo16, _ = pbo(M1, 16)
pbo4, lam4 = pbo(M1, 4)
out["pbo"] = {"M": [[round(float(v), 12) for v in row] for row in M1.T], "pbo16": pbo16, "pbo4": pbo4, "logits4": lam4}
M1r = np.array(out["pbo"]["M"]).T
out["pbo"]["pbo16"], _ = pbo(M1r, 16)
out["pbo"]["pbo4"], out["pbo"]["logits4"] = pbo(M1r, 4)


# ---- SPA: arch's (unstudentised) p-values with the very resamples arch drew, plus a numpy Hansen studentised SPA
def hansen_spa(bench, models, idx, block):
    d = models - bench[:, None]
    n, K = d.shape
    dbar = d.mean(0)
    dm = d - dbar
    q = 1 / block
    w2 = (dm**2).sum(0) / n
    for i in range(1, n):
        kappa = (1 - i / n) * (1 - q) ** i + (i / n) * (1 - q) ** (n - i)
        w2 += 2 * kappa * (dm[: n - i] * dm[i:]).sum(0) / n
    se = np.sqrt(w2 / n)
    thr = -np.sqrt(w2 / n * 2 * math.log(math.log(n)))
    g = {"lower": np.maximum(dbar, 0), "consistent": np.where(dbar >= thr, dbar, 0), "upper": dbar}
    T = max(0.0, float((dbar / se).max()))
    pv = {}
    for k, gk in g.items():
        sims = np.array([max(0.0, float(((d[ix].mean(0) - gk) / se).max())) for ix in idx])
        pv[k] = float((sims > T).mean())
    return T, pv


n, K, block, reps, seed = 250, 3, 8, 150, 4321
bench = rng.standard_normal(n) * 0.012 + 0.0002
models = rng.standard_normal((n, K)) * np.array([0.012, 0.02, 0.006]) + np.array([0.0, 0.0025, 0.0012])
bench = np.round(bench, 12)
models = np.round(models, 12)
spa = SPA(bench_loss := -bench, -models, block_size=block, reps=reps, seed=seed)
spa.compute()
bs = StationaryBootstrap(block, np.arange(n), seed=seed)
idx = [data[0][0].astype(int) for data in bs.bootstrap(reps)]
# run-length encoding of each resample: [start, length, start, length, ...]
rle = []
for ix in idx:
    runs = []
    start, length = int(ix[0]), 1
    for a, b in zip(ix[:-1], ix[1:]):
        if b == (a + 1) % n:
            length += 1
        else:
            runs += [start, length]
            start, length = int(b), 1
    runs += [start, length]
    rle.append(runs)
# self-check: arch's unstudentised p-values from these resamples
d = models - bench[:, None]
dbar = d.mean(0)
T_arch = dbar.max()
up = np.mean([((d[ix].mean(0) - dbar).max() > T_arch) for ix in idx])
assert abs(up - spa.pvalues["upper"]) < 1e-12, (up, spa.pvalues["upper"])
T_h, pv_h = hansen_spa(bench, models, idx, block)
out["spa"] = {
    "n": n, "blockLength": block, "reps": reps, "seed": seed,
    "benchmark": [float(x) for x in bench], "models": [[float(v) for v in models[:, k]] for k in range(K)],
    "indicesRle": rle,
    "arch": {k: float(v) for k, v in spa.pvalues.items()},
    "hansenStudentized": {"statistic": T_h, **pv_h},
}

path = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "stats-reference.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
print("wrote", os.path.normpath(path))
print(json.dumps({k: v for k, v in out.items() if k in ("dsrExample", "holm", "spearman")}, indent=1))
print("pbo", out["pbo"]["pbo16"], out["pbo"]["pbo4"])
print("spa arch", out["spa"]["arch"], "hansen", out["spa"]["hansenStudentized"])
for p in pw:
    print(p["name"], p["archStationary"], p["archCircular"], p["textbookStationary"], p["textbookCircular"])
