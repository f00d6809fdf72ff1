"""Gold labels as standoff: offsets into the corpus text plus a hash of the claim text.

One TSV file per annotation batch, columns::

    article_id  start  end  text_sha256  label  batch  note

The corpus text is never stored. ``load_gold`` refuses a label whose span no longer
hashes to the recorded value (the corpus changed under it, or the file was edited).
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from stance.errors import StanceError
from stance.labels import check_label
from stance.paths import GOLD_DIR, RELABEL_DIR

HASH_LENGTH = 16


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_LENGTH]


@dataclass(frozen=True)
class GoldLabel:
    article_id: str
    start: int
    end: int
    text_sha256: str
    label: str
    batch: str
    note: str = ""

    @property
    def key(self) -> tuple[str, int, int]:
        return self.article_id, self.start, self.end


COLUMNS = [f.name for f in fields(GoldLabel)]


def read_labels(path: Path) -> list[GoldLabel]:
    """Parse one standoff file, validating every field (errors name file and line)."""
    labels = []
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        if reader.fieldnames != COLUMNS:
            raise StanceError(f"{path}:1: expected columns {COLUMNS}, found {reader.fieldnames}")
        for line, row in enumerate(reader, start=2):
            where = f"{path}:{line}"
            try:
                start, end = int(row["start"]), int(row["end"])
            except (TypeError, ValueError):
                raise StanceError(f"{where}: start/end must be integers") from None
            if not 0 <= start < end:
                raise StanceError(f"{where}: bad span {start}-{end}")
            check_label(row["label"], where)
            labels.append(GoldLabel(row["article_id"], start, end, row["text_sha256"], row["label"],
                                    row["batch"], row["note"] or ""))
    return labels


def write_labels(path: Path, labels: Iterable[GoldLabel]) -> None:
    """Write atomically, so an interrupted save never leaves a truncated file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        for label in sorted(labels, key=lambda g: g.key):
            writer.writerow(asdict(label))
    tmp.replace(path)


def read_directory(directory: Path) -> list[GoldLabel]:
    labels: list[GoldLabel] = []
    for path in sorted(directory.glob("*.tsv")):
        labels.extend(read_labels(path))
    return labels


def load_gold(texts: Mapping[str, str], directory: Path = GOLD_DIR) -> dict[tuple[str, int, int], GoldLabel]:
    """Gold labels keyed by (article_id, start, end), each checked against the article text.

    Labels for articles absent from ``texts`` are skipped (the corpus was not loaded);
    a label whose text hash does not match is an error, as is the same span twice.
    """
    gold: dict[tuple[str, int, int], GoldLabel] = {}
    for label in read_directory(directory):
        text = texts.get(label.article_id)
        if text is None:
            continue
        actual = text_hash(text[label.start : label.end])
        if actual != label.text_sha256:
            raise StanceError(
                f"gold label {label.article_id}:{label.start}-{label.end} (batch {label.batch}): "
                f"text hash {actual} does not match the recorded {label.text_sha256}; the corpus text changed"
            )
        if label.key in gold:
            raise StanceError(f"gold label {label.article_id}:{label.start}-{label.end} appears twice")
        gold[label.key] = label
    return gold
