"""Probabilities a user can threshold: temperature scaling and per-class precision thresholds,
both fitted on gold dev claims when a model is trained and saved with it.

* Temperature: the classifier's log-probabilities divided by T (one number, fitted by
  minimising dev negative log-likelihood). It changes confidence, never the argmax.
* Precision thresholds: for a target precision P (e.g. 0.9) and each stance label, the
  lowest probability at which the label reaches precision P on dev. A claim then gets that
  label only when its probability clears the threshold, else NEUTRAL_REPORT: fewer, surer
  accusations and denials, for users who want precision over recall.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from stance.labels import NEUTRAL

PRECISION_TARGETS = (0.8, 0.9, 0.95)


def apply_temperature(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    logits = np.log(np.clip(probabilities, 1e-12, 1.0)) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    scaled = np.exp(logits)
    return scaled / scaled.sum(axis=1, keepdims=True)


def fit_temperature(probabilities: np.ndarray, gold: np.ndarray) -> float:
    """The temperature minimising negative log-likelihood (grid search; fitted on dev only)."""
    grid = np.exp(np.linspace(np.log(0.05), np.log(20), 400))

    def nll(t: float) -> float:
        scaled = apply_temperature(probabilities, t)
        return float(-np.mean(np.log(np.clip(scaled[np.arange(len(gold)), gold], 1e-12, 1.0))))

    return float(min(grid, key=nll))


def precision_thresholds(probabilities: np.ndarray, gold: np.ndarray, labels: Sequence[str],
                         targets: Sequence[float] = PRECISION_TARGETS) -> dict[str, dict[str, float]]:
    """target -> label -> the lowest threshold whose dev precision reaches the target (1.01: never)."""
    table: dict[str, dict[str, float]] = {}
    for target in targets:
        row = {}
        for k, label in enumerate(labels):
            if label == NEUTRAL:
                continue
            order = np.argsort(-probabilities[:, k], kind="stable")
            hits = np.cumsum(gold[order] == k)
            precision = hits / np.arange(1, len(order) + 1)
            # the largest set of top-ranked claims whose precision still reaches the target
            reached = np.flatnonzero(precision >= target)
            row[label] = float(probabilities[order[reached[-1]], k]) if len(reached) else 1.01
        table[f"{target:g}"] = row
    return table


def decide(probabilities: np.ndarray, labels: Sequence[str], thresholds: dict[str, float] | None) -> list[str]:
    """Labels from probabilities: argmax, or with thresholds the most probable label that clears its
    threshold (NEUTRAL_REPORT needs none)."""
    if thresholds is None:
        return [labels[i] for i in probabilities.argmax(axis=1)]
    limits = np.array([thresholds.get(label, 0.0) if label != NEUTRAL else 0.0 for label in labels])
    allowed = np.where(probabilities >= limits, probabilities, -1.0)
    allowed[:, list(labels).index(NEUTRAL)] = np.maximum(allowed[:, list(labels).index(NEUTRAL)], 0.0)
    return [labels[i] for i in allowed.argmax(axis=1)]
