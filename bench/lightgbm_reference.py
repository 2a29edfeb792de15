"""LightGBM reference for bench/gbdt.ts: the same features, folds, weights and hyperparameters.

    python3 bench/lightgbm_reference.py <dir>     (pip install lightgbm==4.7.0)

<dir> holds what bench/gbdt.ts exported: features.f32 (rows x columns float32, row-major, little-endian) and
meta.json (labels, folds with train/val/test row indices and the training fold's balanced class weights, the
engine's parameters). Writes <dir>/lightgbm.json: per fold the test probabilities, fit seconds, rounds kept.
"""

import json
import sys
import time
from pathlib import Path

import lightgbm as lgb
import numpy as np


def main(work: Path) -> None:
    meta = json.loads((work / "meta.json").read_text())
    X = np.fromfile(work / "features.f32", dtype="<f4").reshape(meta["rows"], meta["columns"]).astype(np.float64)
    y = np.asarray(meta["labels"], dtype=np.int32)
    p = meta["params"]
    params = {
        "objective": "multiclass",
        "num_class": 3,
        "learning_rate": p["learningRate"],
        "num_leaves": p["numLeaves"],
        "max_depth": p["maxDepth"],
        "min_data_in_leaf": p["minDataInLeaf"],
        "min_sum_hessian_in_leaf": p["minSumHessianInLeaf"],
        "lambda_l2": p["lambdaL2"],
        "min_gain_to_split": p["minGainToSplit"],
        "feature_fraction": p["featureFraction"],
        "bagging_fraction": p["baggingFraction"],
        "bagging_freq": 1 if p["baggingFraction"] < 1 else 0,
        # the engine's maxBin counts the missing-value bin; LightGBM's max_bin counts value bins
        "max_bin": p["maxBin"] - 1,
        "seed": p["seed"],
        "deterministic": True,
        "force_col_wise": True,
        "num_threads": meta.get("threads", 1),
        "verbose": -1,
    }
    out = []
    for f in meta["folds"]:
        cw = np.asarray(f["classWeights"])
        tr, va, te = (np.asarray(f[k], dtype=np.int64) for k in ("train", "val", "test"))
        t0 = time.perf_counter()
        dtrain = lgb.Dataset(X[tr], label=y[tr], weight=cw[y[tr]], free_raw_data=False)
        dval = lgb.Dataset(X[va], label=y[va], weight=cw[y[va]], reference=dtrain)
        booster = lgb.train(
            params,
            dtrain,
            num_boost_round=p["numRounds"],
            valid_sets=[dval],
            callbacks=[lgb.early_stopping(p["earlyStoppingRounds"], verbose=False)],
        )
        probs = booster.predict(X[te], num_iteration=booster.best_iteration)
        seconds = time.perf_counter() - t0
        out.append({"probs": probs.reshape(-1).tolist(), "seconds": seconds, "rounds": int(booster.best_iteration)})
    (work / "lightgbm.json").write_text(json.dumps({"version": lgb.__version__, "folds": out}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
