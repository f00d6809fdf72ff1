"""Turn annotators' label files (.annotation/labels/<batch>.tsv) into standoff gold files.

    python experiments/gold/import_labels.py [--batches .annotation/batches] [--labels .annotation/labels]

Writes stance/annotations/gold/<batch>.tsv for first-round batches and
stance/annotations/relabel/<batch>.tsv for the blind re-annotation batches.
Every item of a batch must be labelled; nothing partial is written.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from stance.annotation.batches import read_batch_labels
from stance.annotation.store import GOLD_DIR, RELABEL_DIR, write_labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", type=Path, default=Path(".annotation/batches"))
    parser.add_argument("--labels", type=Path, default=Path(".annotation/labels"))
    args = parser.parse_args()
    for labels_path in sorted(args.labels.glob("*.tsv")):
        batch = labels_path.stem
        labels = read_batch_labels(args.batches / f"{batch}.map.tsv", labels_path, batch)
        target = (RELABEL_DIR if batch.startswith("relabel") else GOLD_DIR) / f"{batch}.tsv"
        write_labels(target, labels)
        print(f"{batch}: {len(labels)} labels -> {target}  {dict(Counter(l.label for l in labels))}")


if __name__ == "__main__":
    main()
