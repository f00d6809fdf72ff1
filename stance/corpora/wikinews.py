"""Wikinews (English, 2019-21), CC BY 2.5: world, conflict and diplomacy news, some interviews.

The text is the upstream ``text`` column unchanged (paragraphs joined by blank lines;
2019 rows open with a dateline line), so gold offsets point into it. Each article
keeps its ``url`` in ``meta``: the licence requires attribution.

Wikinews has no split of its own. Articles are assigned by a hash of their URL
(20% test, 10% dev, 70% train), so the split never depends on file order.
"""

from __future__ import annotations

import csv
import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path

from stance.corpora.mirror import WIKINEWS, corpus_dir
from stance.errors import StanceError
from stance.records import Article

FILES = ("wikinews_2019.csv", "wikinews_2020.csv")
TEST_PERCENT, DEV_PERCENT = 20, 10


def split_of_url(url: str) -> str:
    bucket = int(hashlib.sha256(url.encode()).hexdigest(), 16) % 100
    return "test" if bucket < TEST_PERCENT else "dev" if bucket < TEST_PERCENT + DEV_PERCENT else "train"


def article_id(url: str) -> str:
    return "wikinews:" + url.rstrip("/").rsplit("/wiki/", 1)[-1]


def read_wikinews(splits: tuple[str, ...] = ("train", "dev", "test"), root: Path | None = None) -> Iterator[Article]:
    root = root or corpus_dir(WIKINEWS)
    csv.field_size_limit(sys.maxsize)  # one interview runs to ~100k characters
    for name in FILES:
        path = root / name
        try:
            handle = open(path, encoding="utf-8", newline="")
        except FileNotFoundError:
            raise StanceError(f"{path}: missing Wikinews file") from None
        with handle:
            reader = csv.DictReader(handle)
            missing = {"url", "date", "title", "text"} - set(reader.fieldnames or ())
            if missing:
                raise StanceError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
            for line, row in enumerate(reader, start=2):
                if not row["text"].strip():
                    raise StanceError(f"{path}:{line}: empty text")
                split = split_of_url(row["url"])
                if split in splits:
                    meta = {"url": row["url"], "date": row["date"], "title": row["title"], "licence": "CC BY 2.5"}
                    yield Article(article_id(row["url"]), "wikinews", split, row["text"], (), meta)
