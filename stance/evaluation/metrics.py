"""Classification metrics over the three labels (every label always reported, DENIAL included)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import accuracy_score, classification_report, confusion_matrix, precision_recall_fscore_support

from stance.labels import LABELS


def scores(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = LABELS) -> dict[str, float]:
    """macro_f1, accuracy and precision/recall/f1/support per label, as a flat dict."""
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, labels=list(labels), zero_division=0
    )
    result = {"macro_f1": float(np.mean(f1)), "accuracy": float(accuracy_score(gold, predicted)) if len(gold) else 0.0}
    for i, label in enumerate(labels):
        result[f"precision_{label}"] = float(precision[i])
        result[f"recall_{label}"] = float(recall[i])
        result[f"f1_{label}"] = float(f1[i])
        result[f"support_{label}"] = float(support[i])
    return result


def report(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = LABELS) -> str:
    return classification_report(gold, predicted, labels=list(labels), zero_division=0, digits=3)


def confusion(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = LABELS) -> np.ndarray:
    return confusion_matrix(gold, predicted, labels=list(labels))


def plot_confusion(matrix: np.ndarray, title: str, labels: Sequence[str] = LABELS):
    """A matplotlib figure of a confusion matrix (rows gold, columns predicted)."""
    from matplotlib.figure import Figure  # no pyplot: no GUI backend, no global state

    figure = Figure(figsize=(5, 4.2))
    axis = figure.subplots()
    axis.imshow(matrix, cmap="Blues")
    axis.set_xticks(range(len(labels)), [label.replace("_", "\n") for label in labels])
    axis.set_yticks(range(len(labels)), labels)
    axis.set_xlabel("predicted")
    axis.set_ylabel("gold")
    axis.set_title(title, fontsize=10)
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            axis.text(j, i, str(matrix[i, j]), ha="center", va="center",
                      color="white" if matrix[i, j] > matrix.max() / 2 else "black")
    figure.tight_layout()
    return figure


def prefix(split: str, provenance: str) -> str:
    """The MLflow metric prefix of a split scored on gold or weak labels: ``test_gold``."""
    return f"{split}_{provenance}"


def metric_key(split: str, provenance: str, name: str) -> str:
    """The one naming of logged metrics: ``dev_gold_macro_f1``, ``test_weak_f1_DENIAL``.

    A weak-label score always says ``weak``, so it is never mistaken for a gold one."""
    return f"{prefix(split, provenance)}_{name}"
