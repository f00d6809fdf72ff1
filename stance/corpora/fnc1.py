"""FNC-1 article bodies (Emergent, 2014-15 world and rumour news).

``competition_test_bodies.csv`` is the test split. ``train_bodies.csv`` is split into
train and dev by a hash of the body id, so the split never depends on file order.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from pathlib import Path

from stance.corpora.mirror import FNC1, corpus_dir
from stance.errors import StanceError
from stance.records import Article

DEV_SHARE_PERCENT = 10


def split_of_train_body(body_id: str) -> str:
    bucket = int(hashlib.sha256(body_id.encode()).hexdigest(), 16) % 100
    return "dev" if bucket < DEV_SHARE_PERCENT else "train"


def read_bodies(path: Path) -> Iterator[tuple[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"Body ID", "articleBody"} - set(reader.fieldnames or ())
        if missing:
            raise StanceError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        for row in reader:
            yield row["Body ID"], row["articleBody"]


def read_fnc1(splits: tuple[str, ...] = ("train", "dev", "test"), root: Path | None = None) -> Iterator[Article]:
    root = root or corpus_dir(FNC1)
    if "train" in splits or "dev" in splits:
        for body_id, text in read_bodies(root / "train_bodies.csv"):
            split = split_of_train_body(body_id)
            if split in splits:
                yield Article(f"fnc1:{body_id}", "fnc1", split, text)
    if "test" in splits:
        for body_id, text in read_bodies(root / "competition_test_bodies.csv"):
            yield Article(f"fnc1:{body_id}", "fnc1", "test", text)


def disagree_body_ids(root: Path | None = None) -> set[str]:
    """Bodies paired with a headline they dispute in the competition test stances."""
    root = root or corpus_dir(FNC1)
    with open(root / "competition_test_stances.csv", encoding="utf-8", newline="") as handle:
        return {row["Body ID"] for row in csv.DictReader(handle) if row["Stance"] == "disagree"}
