"""The numbers of ``make eval``: every run's gold test predictions, scored with article-level
bootstrap CIs, paired tests against the champion, calibration and per-corpus views.

Nothing here writes files or talks to MLflow beyond reading the runs' prediction artifacts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from stance.corpora import GROUPS
from stance.errors import StanceError
from stance.evaluation import runs as runs_module
from stance.evaluation import stats
from stance.evaluation.metrics import scores
from stance.evaluation.runs import RunRecord
from stance.labels import LABELS
from stance.models import calibration

BOOTSTRAP_SAMPLES = 1000
GROUP_SAMPLES = 300  # per corpus group: fewer resamples, the table has many cells
SEED = 20261125


@dataclass(frozen=True)
class Predictions:
    ids: list[str]
    article_ids: list[str]
    corpora: list[str]
    gold: np.ndarray
    probabilities: np.ndarray

    @property
    def predicted(self) -> np.ndarray:
        return self.probabilities.argmax(axis=1)

    @property
    def groups(self) -> np.ndarray:
        """The report's corpus columns: polnear, fnc1, world (NewsDiscourse + Wikinews)."""
        return np.array([GROUPS.get(c, c) for c in self.corpora])

    def subset(self, mask: np.ndarray) -> Predictions:
        pick = np.flatnonzero(mask)
        return Predictions([self.ids[i] for i in pick], [self.article_ids[i] for i in pick],
                           [self.corpora[i] for i in pick], self.gold[pick], self.probabilities[pick])


@dataclass(frozen=True)
class Scored:
    run: RunRecord
    test: Predictions
    dev: Predictions | None
    temperature: float  # the model's own, fitted on dev at training time (1.0: not calibrated)


@dataclass(frozen=True)
class ModelResult:
    """One model's test numbers."""

    item: Scored
    macro: stats.Interval
    per_class: dict[str, stats.Interval]
    flat: dict[str, float]  # precision/recall/F1 per label, accuracy
    ece_raw: float  # of the classifier's own probabilities
    ece: float  # of the served (temperature-scaled) probabilities
    by_group: dict[str, stats.Interval]  # macro-F1 per corpus group
    by_group_class: dict[str, dict[str, stats.Interval]]  # per-class F1 per corpus group
    against_champion: tuple[stats.Interval, float, int, int, float] | None  # Δ, p boot, only c, only m, p McNemar


@dataclass(frozen=True)
class Evaluation:
    results: list[ModelResult]
    champion: ModelResult
    n_claims: int
    n_articles: int
    group_sizes: dict[str, tuple[int, int]] = field(default_factory=dict)  # group -> (claims, articles)


def read_predictions(run: RunRecord, split: str) -> Predictions | None:
    import mlflow

    try:
        path = mlflow.artifacts.download_artifacts(run_id=run.run_id, artifact_path=f"{split}_gold_predictions.jsonl")
    except Exception:  # the run has no gold predictions for this split
        return None
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]
    return Predictions([r["id"] for r in rows], [r["article_id"] for r in rows], [r["corpus"] for r in rows],
                       np.array([LABELS.index(r["gold"]) for r in rows]), np.array([r["probabilities"] for r in rows]))


def gather(runs: list[RunRecord], same_claims: bool = True) -> list[Scored]:
    scored = []
    for run in runs:
        test = read_predictions(run, "test")
        if test is None:
            print(f"skipping {run.name} ({run.run_id}): no gold test predictions")
            continue
        dev = read_predictions(run, "dev")
        scored.append(Scored(run, test, dev, float(run.metrics.get("temperature", 1.0))))
    if not scored:
        raise StanceError("no run has gold test predictions; run `make train` after the gold data is in place")
    if same_claims:
        for item in scored[1:]:
            if item.test.ids != scored[0].test.ids:
                raise StanceError(f"runs {scored[0].run.name} and {item.run.name} were scored on different test claims "
                                  "(different data); pass RUNS=... with runs trained on the same dataset")
    return scored


GroupResamples = dict[str, tuple[np.ndarray, list[np.ndarray]]]  # group -> (its claims, article resamples)


def group_resamples(test: Predictions) -> GroupResamples:
    """Per corpus group, its claims and their article resamples: the same for every run (same test claims)."""
    groups = test.groups
    result = {}
    for group in sorted(set(groups)):
        index = np.flatnonzero(groups == group)
        result[group] = (index, stats.article_resamples([test.article_ids[i] for i in index], GROUP_SAMPLES, SEED))
    return result


def _interval_by_group(test: Predictions, metric, by_group: GroupResamples) -> dict[str, stats.Interval]:
    return {group: stats.bootstrap_interval(metric, test.gold[index], test.predicted[index], resamples)
            for group, (index, resamples) in by_group.items()}


def score_model(item: Scored, resamples: list[np.ndarray], by_group: GroupResamples,
                champion: Scored | None) -> ModelResult:
    gold, predicted = item.test.gold, item.test.predicted
    versus = None
    if champion is not None and item is not champion:
        difference, p_boot = stats.paired_bootstrap(stats.macro_f1, gold, champion.test.predicted, predicted, resamples)
        only_champion, only_other, p_mcnemar = stats.mcnemar_exact(gold, champion.test.predicted, predicted)
        versus = (difference, p_boot, only_champion, only_other, p_mcnemar)
    raw = calibration.apply_temperature(item.test.probabilities, 1 / item.temperature)  # undo the served scaling
    return ModelResult(
        item=item,
        macro=stats.bootstrap_interval(stats.macro_f1, gold, predicted, resamples),
        per_class={label: stats.bootstrap_interval(stats.class_f1(i), gold, predicted, resamples)
                   for i, label in enumerate(LABELS)},
        flat=scores([LABELS[i] for i in gold], [LABELS[i] for i in predicted]),
        ece_raw=stats.expected_calibration_error(raw, gold),
        ece=stats.expected_calibration_error(item.test.probabilities, gold),
        by_group=_interval_by_group(item.test, stats.macro_f1, by_group),
        by_group_class={label: _interval_by_group(item.test, stats.class_f1(i), by_group)
                        for i, label in enumerate(LABELS)},
        against_champion=versus,
    )


def compute(scored: list[Scored]) -> Evaluation:
    """Score every run; the champion is chosen on dev by ``runs.champion``, never on test."""
    best = runs_module.champion([item.run for item in scored])
    champion = next(item for item in scored if item.run is best)
    reference = scored[0].test
    resamples = stats.article_resamples(reference.article_ids, BOOTSTRAP_SAMPLES, SEED)
    by_group = group_resamples(reference)
    results = [score_model(item, resamples, by_group, champion) for item in scored]
    groups = reference.groups
    sizes = {g: (int((groups == g).sum()), len({a for a, x in zip(reference.article_ids, groups) if x == g}))
             for g in sorted(set(groups))}
    return Evaluation(results, next(r for r in results if r.item is champion), len(reference.ids),
                      len(set(reference.article_ids)), sizes)
