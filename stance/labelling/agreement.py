"""Self-agreement of the gold labels: a blind second labelling of a random 10% of each
batch (stance/labelling/relabel/) against the first (stance/labelling/gold/)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

from stance.labelling.store import GOLD_DIR, RELABEL_DIR, read_directory
from stance.labels import LABELS


@dataclass(frozen=True)
class Agreement:
    batch: str
    n: int
    observed: float
    kappa: float


def agreement(gold_dir: Path = GOLD_DIR, relabel_dir: Path = RELABEL_DIR) -> tuple[list[Agreement], Agreement, Counter]:
    """Per-batch and overall agreement, plus a Counter of (first, second) label pairs."""
    first = {label.key: label for label in read_directory(gold_dir)}
    pairs: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for second in read_directory(relabel_dir):
        if second.key in first and second.text_sha256 == first[second.key].text_sha256:
            pairs[first[second.key].batch].append((first[second.key].label, second.label))

    def summarise(name: str, items: list[tuple[str, str]]) -> Agreement:
        a, b = zip(*items)
        # kappa is undefined when both rounds used a single label (all NEUTRAL): report nan, not 1.0
        kappa = float(cohen_kappa_score(a, b, labels=list(LABELS))) if len(set(a) | set(b)) > 1 else float("nan")
        return Agreement(name, len(items), sum(x == y for x, y in items) / len(items), kappa)

    per_batch = [summarise(batch, items) for batch, items in sorted(pairs.items())]
    everything = [pair for items in pairs.values() for pair in items]
    return per_batch, summarise("all", everything), Counter(everything)
