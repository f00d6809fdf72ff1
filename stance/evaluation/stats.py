"""Statistics for comparing classifiers on clustered data.

Claims of one article are not independent (same topic, same speakers, same
annotator pass), so confidence intervals resample *articles* with replacement and
recompute the metric on all their claims (a cluster bootstrap).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from math import comb

import numpy as np
from sklearn.metrics import f1_score

from stance.labels import LABELS


@dataclass(frozen=True)
class Interval:
    value: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.value:.3f} [{self.low:.3f}, {self.high:.3f}]"


def macro_f1(gold: np.ndarray, predicted: np.ndarray) -> float:
    return float(f1_score(gold, predicted, labels=list(range(len(LABELS))), average="macro", zero_division=0))


def class_f1(label: int) -> Callable[[np.ndarray, np.ndarray], float]:
    def score(gold: np.ndarray, predicted: np.ndarray) -> float:
        return float(f1_score(gold, predicted, labels=[label], average="macro", zero_division=0))

    return score


def article_resamples(groups: Sequence[str], n: int, seed: int) -> list[np.ndarray]:
    """``n`` index arrays, each the claims of articles drawn with replacement."""
    names, inverse = np.unique(np.asarray(groups), return_inverse=True)
    members = [np.flatnonzero(inverse == i) for i in range(len(names))]
    rng = np.random.default_rng(seed)
    return [np.concatenate([members[i] for i in rng.integers(0, len(names), len(names))]) for _ in range(n)]


def bootstrap_interval(metric, gold: np.ndarray, predicted: np.ndarray, resamples: list[np.ndarray],
                       level: float = 0.95) -> Interval:
    values = [metric(gold[index], predicted[index]) for index in resamples]
    tail = (1 - level) / 2 * 100
    return Interval(metric(gold, predicted), float(np.percentile(values, tail)), float(np.percentile(values, 100 - tail)))


def paired_bootstrap(metric, gold: np.ndarray, a: np.ndarray, b: np.ndarray, resamples: list[np.ndarray],
                     level: float = 0.95) -> tuple[Interval, float]:
    """CI of metric(a) - metric(b) over the same resamples, and the share of resamples where a <= b."""
    differences = np.array([metric(gold[i], a[i]) - metric(gold[i], b[i]) for i in resamples])
    tail = (1 - level) / 2 * 100
    observed = metric(gold, a) - metric(gold, b)
    return (Interval(observed, float(np.percentile(differences, tail)), float(np.percentile(differences, 100 - tail))),
            float(np.mean(differences <= 0)))


def mcnemar_exact(gold: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[int, int, float]:
    """Exact (binomial) McNemar test on the claims one model gets right and the other wrong.

    Returns (only a right, only b right, two-sided p-value).
    """
    a_right, b_right = a == gold, b == gold
    only_a, only_b = int(np.sum(a_right & ~b_right)), int(np.sum(~a_right & b_right))
    n = only_a + only_b
    if n == 0:
        return only_a, only_b, 1.0
    k = min(only_a, only_b)
    p = 2 * sum(comb(n, i) for i in range(k + 1)) / 2**n
    return only_a, only_b, min(1.0, p)


def expected_calibration_error(probabilities: np.ndarray, gold: np.ndarray, bins: int = 15) -> float:
    """ECE of the top-label confidence (equal-width bins)."""
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == gold
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for low, high in zip(edges[:-1], edges[1:]):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            total += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(total)


def reliability(probabilities: np.ndarray, gold: np.ndarray, bins: int = 10) -> list[tuple[float, float, int]]:
    """(mean confidence, accuracy, count) per confidence bin, for a reliability diagram."""
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == gold
    edges = np.linspace(0, 1, bins + 1)
    rows = []
    for low, high in zip(edges[:-1], edges[1:]):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            rows.append((float(confidence[inside].mean()), float(correct[inside].mean()), int(inside.sum())))
    return rows
