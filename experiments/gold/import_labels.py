"""Turn annotators' label files (.annotation/labels/<batch>.tsv) into standoff gold files.

    python experiments/gold/import_labels.py [BATCH ...] [--batches .annotation/batches]
                                             [--labels .annotation/labels] [--guidelines 1.1]

Writes stance/labelling/gold/<batch>.tsv for first-labelling batches and
stance/labelling/relabel/<batch>.tsv for the blind re-label batches, and records the
batch's guideline version in stance/labelling/batches.tsv. Every item of a batch must
be labelled; nothing partial is written. Without BATCH names, every label file is imported.
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from pathlib import Path

from stance.labelling.batches import read_batch_labels
from stance.labelling.store import write_labels
from stance.paths import BATCH_REGISTRY, GOLD_DIR, RELABEL_DIR

SELECTION = {"test-world": "world articles: half cue rank, half random, per source",
             "dev-world": "world articles: half cue rank, half random, per source",
             "train-r2": "training claims: hard-negative pool, champion-uncertain, random (make_batches_r2.py)",
             "relabel-r2": "blind 6% of every round-2 batch",
             "train-r3": "training claims: denial-cue pool, champion-uncertain, random (make_batches_r3.py)",
             "relabel-r3": "blind 6% of every round-3 batch"}


def register(batch: str, guidelines: str) -> None:
    with open(BATCH_REGISTRY, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    if any(row[0] == batch for row in rows):
        return
    selection = next((v for k, v in SELECTION.items() if batch.startswith(k)), "")
    with open(BATCH_REGISTRY, "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter="\t", lineterminator="\n").writerow(
            [batch, guidelines, "AI helper session (one per batch)", selection])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="batches to import (default: every label file)")
    parser.add_argument("--batches", type=Path, default=Path(".annotation/batches"))
    parser.add_argument("--labels", type=Path, default=Path(".annotation/labels"))
    parser.add_argument("--guidelines", default="1.1", help="guideline version the batch was labelled under")
    args = parser.parse_args()
    paths = [args.labels / f"{n}.tsv" for n in args.names] or sorted(args.labels.glob("*.tsv"))
    for labels_path in paths:
        batch = labels_path.stem
        labels = read_batch_labels(args.batches / f"{batch}.map.tsv", labels_path, batch)
        target = (RELABEL_DIR if batch.startswith("relabel") else GOLD_DIR) / f"{batch}.tsv"
        write_labels(target, labels)
        register(batch, args.guidelines)
        print(f"{batch}: {len(labels)} labels -> {target}  {dict(Counter(l.label for l in labels))}")


if __name__ == "__main__":
    main()
