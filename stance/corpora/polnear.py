"""PolNeAR: US political news (2015-16) with human-annotated attribution relations."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from stance.corpora.brat import read_attributions
from stance.corpora.mirror import POLNEAR, corpus_dir
from stance.errors import StanceError
from stance.records import Article

SPLITS = ("train", "dev", "test")


def read_metadata(root: Path) -> dict[str, dict[str, str]]:
    with open(root / "metadata.tsv", encoding="utf-8", newline="") as handle:
        return {row["filename"]: row for row in csv.DictReader(handle, delimiter="\t")}


def read_article(root: Path, split: str, name: str, meta: dict[str, str] | None = None) -> Article:
    """Read one article; attributions come from its first annotator (ids sorted).

    A few articles were annotated by several annotators to measure agreement; using
    one annotation per article keeps every token in at most one attribution.
    """
    text_path = root / split / "text" / f"{name}.txt"
    try:
        text = text_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StanceError(f"{text_path}: missing PolNeAR article text") from None
    annotations = sorted((root / split / "attributions").glob(f"{name}_*.ann"))
    attributions = read_attributions(annotations[0], text) if annotations else ()
    return Article(f"polnear:{name}", "polnear", split, text, attributions, dict(meta or {}))


def read_polnear(splits: tuple[str, ...] = SPLITS, root: Path | None = None) -> Iterator[Article]:
    """Articles of the core dataset in PolNeAR's own train/dev/test split."""
    root = root or corpus_dir(POLNEAR)
    metadata = read_metadata(root)
    for split in splits:
        for text_path in sorted((root / split / "text").glob("*.txt")):
            yield read_article(root, split, text_path.stem, metadata.get(text_path.stem))
