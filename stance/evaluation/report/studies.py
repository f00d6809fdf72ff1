"""The recipe studies beside the model comparison: the hyperparameter sweep (chosen on dev)
and the learning curve (is the model still data-limited?).

Both read finished runs from their own MLflow experiments (``stance-sweep``,
``stance-learning-curve``), whether trained by ``stance train --suite NAME`` or imported
from a GPU machine (experiments/device/).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from stance.evaluation import stats
from stance.evaluation.report.compute import BOOTSTRAP_SAMPLES, SEED, Predictions, gather
from stance.evaluation.runs import RunRecord, latest_runs
from stance.experiment.tracking import experiment_for
from stance.labels import LABELS

SWEEP_EXPERIMENT = experiment_for("sweep")
CURVE_EXPERIMENT = experiment_for("learning-curve")


@dataclass(frozen=True)
class SweepRow:
    run: RunRecord
    dev_macro_f1: float
    test_macro_f1: float | None


@dataclass(frozen=True)
class CurvePoint:
    n_train: int
    seeds: list[int]
    macro: list[stats.Interval]  # one per seed
    per_class: dict[str, list[stats.Interval]]
    world_macro: list[float]

    def mean(self, values: list[stats.Interval]) -> float:
        return float(np.mean([v.value for v in values]))


def _runs(experiment: str) -> list[RunRecord]:
    try:
        return latest_runs(experiment)
    except Exception:  # the study was never run: its section says so
        return []


def sweep() -> list[SweepRow]:
    rows = [SweepRow(r, r.metric("dev", "macro_f1"), r.metric("test", "macro_f1"))
            for r in _runs(SWEEP_EXPERIMENT) if r.metric("dev", "macro_f1") is not None]
    return sorted(rows, key=lambda row: -row.dev_macro_f1)


def learning_curve() -> list[CurvePoint]:
    runs = _runs(CURVE_EXPERIMENT)
    if not runs:
        return []
    scored = gather(runs)
    by_size: dict[int, list] = defaultdict(list)
    for item in scored:
        by_size[int(float(item.run.params.get("n_train_rows", 0)))].append(item)
    reference = scored[0].test
    resamples = stats.article_resamples(reference.article_ids, BOOTSTRAP_SAMPLES // 2, SEED)
    points = []
    for n_train in sorted(by_size):
        items = sorted(by_size[n_train], key=lambda i: i.run.params.get("seed", ""))
        macro, per_class, world = [], {label: [] for label in LABELS}, []
        for item in items:
            gold, predicted = item.test.gold, item.test.predicted
            macro.append(stats.bootstrap_interval(stats.macro_f1, gold, predicted, resamples))
            for i, label in enumerate(LABELS):
                per_class[label].append(stats.bootstrap_interval(stats.class_f1(i), gold, predicted, resamples))
            part: Predictions = item.test.subset(item.test.groups == "world")
            world.append(stats.macro_f1(part.gold, part.predicted))
        points.append(CurvePoint(n_train, [int(i.run.params.get("seed", 0)) for i in items], macro, per_class, world))
    return points
