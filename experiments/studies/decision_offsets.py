"""Would per-class decision offsets chosen for macro-F1 beat the argmax? A dev-only study.

    python experiments/studies/decision_offsets.py RUN_ID [RUN_ID ...]

Reads a run's calibrated gold-dev probabilities (``dev_gold_predictions.jsonl``), adds offsets
to the ACCUSATION and DENIAL log probabilities (grid -1.5..1.5, step 0.1), and asks two things:
the best dev macro-F1 the offsets reach when chosen on all of dev (optimistic by construction),
and what offsets chosen on a random half of the dev articles give on the other half against
the argmax (30 seeded halvings). Test is never read.
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

import mlflow
import numpy as np
from sklearn.metrics import f1_score

from stance.experiment.tracking import configure
from stance.labels import LABELS

GRID = [round(float(x), 1) for x in np.arange(-1.5, 1.51, 0.1)]


def dev_predictions(run_id: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    path = mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="dev_gold_predictions.jsonl")
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]
    log_probabilities = np.log(np.clip([r["probabilities"] for r in rows], 1e-9, 1.0))
    return log_probabilities, np.array([LABELS.index(r["gold"]) for r in rows]), np.array([r["article_id"] for r in rows])


def macro_f1(gold, log_probabilities, offsets=(0.0, 0.0)) -> float:
    return f1_score(gold, (log_probabilities + [*offsets, 0.0]).argmax(axis=1), average="macro")


def best_offsets(gold, log_probabilities) -> tuple[float, tuple[float, float]]:
    return max((macro_f1(gold, log_probabilities, o), o) for o in itertools.product(GRID, GRID))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_ids", nargs="+")
    parser.add_argument("--halvings", type=int, default=30)
    args = parser.parse_args()
    configure()
    for run_id in args.run_ids:
        log_probabilities, gold, articles = dev_predictions(run_id)
        fitted, offsets = best_offsets(gold, log_probabilities)
        print(f"{run_id[:8]}: dev argmax {macro_f1(gold, log_probabilities):.4f}; offsets {offsets} chosen on all "
              f"of dev {fitted:.4f}")
        rng, unique = np.random.default_rng(0), np.unique(articles)
        gains = []
        for _ in range(args.halvings):
            chosen = np.isin(articles, rng.choice(unique, len(unique) // 2, replace=False))
            _, offsets = best_offsets(gold[chosen], log_probabilities[chosen])
            held_out = ~chosen
            gains.append(macro_f1(gold[held_out], log_probabilities[held_out], offsets)
                         - macro_f1(gold[held_out], log_probabilities[held_out]))
        print(f"  on the held-out half: {np.mean(gains):+.4f} on average (sd {np.std(gains):.4f}, "
              f"min {np.min(gains):+.4f}, max {np.max(gains):+.4f}) over {args.halvings} halvings")


if __name__ == "__main__":
    main()
