"""Agreement of the gold labels: a blind second labelling of a random share of each batch
(10% in round 1, 6% in round 2; stance/labelling/relabel/) against the first
(stance/labelling/gold/), by a different annotator session."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

from stance.labelling.store import read_directory
from stance.paths import BATCH_REGISTRY, GOLD_DIR, RELABEL_DIR
from stance.labels import LABELS


@dataclass(frozen=True)
class Agreement:
    batch: str
    n: int
    observed: float
    kappa: float


def guideline_versions(registry: Path = BATCH_REGISTRY) -> dict[str, str]:
    """batch -> the guideline version it was labelled under (stance/labelling/batches.tsv)."""
    with open(registry, encoding="utf-8", newline="") as handle:
        return {row["batch"]: row["guidelines"] for row in csv.DictReader(handle, delimiter="\t")}


def agreement(gold_dir: Path = GOLD_DIR, relabel_dir: Path = RELABEL_DIR,
              registry: Path = BATCH_REGISTRY) -> tuple[list[Agreement], list[Agreement], Counter]:
    """Per-batch agreement, then one row per guideline version and overall, plus a Counter of
    (first, second) label pairs."""
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
    versions = guideline_versions(registry)
    by_version: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for batch, items in pairs.items():
        by_version[versions.get(batch, "?")].extend(items)
    everything = [pair for items in pairs.values() for pair in items]
    totals = [summarise(f"guidelines {v}", items) for v, items in sorted(by_version.items())]
    return per_batch, [*totals, summarise("all", everything)], Counter(everything)
