"""Articles -> claims -> a Hugging Face ``DatasetDict`` (train/dev/test, split by article).

Every row is one claim with its preceding context and a label whose provenance is
``gold`` (read by an annotator, from ``stance/annotations/gold``) or ``weak`` (from
the labelling functions in ``stance.weak``). Splits come from the corpora (PolNeAR's
own split; FNC-1 by body id), so no article is ever in two splits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from datasets import ClassLabel, Dataset, DatasetDict, Features, Value, load_from_disk
from tqdm.auto import tqdm

from stance.annotation.store import GOLD_DIR, GoldLabel, load_gold
from stance.corpora import read_corpus
from stance.errors import StanceError
from stance.labels import LABELS
from stance.records import Article, Claim
from stance.segment import segment
from stance.weak import weak_label

SPLITS = ("train", "dev", "test")
FEATURES = Features(
    {
        "id": Value("string"),
        "article_id": Value("string"),
        "corpus": Value("string"),
        "text": Value("string"),
        "context": Value("string"),
        "start": Value("int32"),
        "end": Value("int32"),
        "label": ClassLabel(names=list(LABELS)),
        "provenance": Value("string"),
        "batch": Value("string"),
    }
)
FINGERPRINT_FILE = "fingerprint.json"


def context_of(claims: list[Claim], index: int, n: int) -> str:
    """The ``n`` claims before ``index``, joined: what a reader saw just before this claim."""
    return " ".join(c.text for c in claims[max(0, index - n) : index])


def article_rows(article: Article, gold: dict[tuple[str, int, int], GoldLabel], context_claims: int) -> list[dict]:
    claims = segment(article.text)
    rows = []
    for index, claim in enumerate(claims):
        label = gold.get((article.id, claim.start, claim.end))
        rows.append(
            {
                "id": f"{article.id}:{claim.start}-{claim.end}",
                "article_id": article.id,
                "corpus": article.corpus,
                "text": claim.text,
                "context": context_of(claims, index, context_claims),
                "start": claim.start,
                "end": claim.end,
                "label": LABELS.index(label.label if label else weak_label(claim.text)),
                "provenance": "gold" if label else "weak",
                "batch": label.batch if label else "",
            }
        )
    return rows


def build_dataset(
    corpora: Iterable[str] = ("polnear", "fnc1"), context_claims: int = 2, gold_dir: Path = GOLD_DIR
) -> DatasetDict:
    articles = [a for name in corpora for a in read_corpus(name)]
    gold = load_gold({a.id: a.text for a in articles}, gold_dir)
    rows: dict[str, list[dict]] = {split: [] for split in SPLITS}
    used = set()
    for article in tqdm(articles, desc="segmenting and labelling", unit="article"):
        for row in article_rows(article, gold, context_claims):
            rows[article.split].append(row)
            if row["provenance"] == "gold":
                used.add((row["article_id"], row["start"], row["end"]))
    unmatched = sorted(set(gold) - used)
    if unmatched:
        article_id, start, end = unmatched[0]
        raise StanceError(
            f"{len(unmatched)} gold label(s) do not match any claim of the current segmenter "
            f"(first: {article_id}:{start}-{end}); the segmenter changed since they were annotated"
        )
    return DatasetDict({split: Dataset.from_list(rows[split], features=FEATURES) for split in SPLITS})


def column(part: Dataset, name: str) -> list:
    """One column as a Python list, in one Arrow conversion (iterating a Column is row by row)."""
    return part.select_columns([name]).to_dict()[name]


def fingerprint(data: DatasetDict) -> str:
    """A hash of every split's ids, texts, contexts, labels and provenance."""
    digest = hashlib.sha256()
    for split in SPLITS:
        part = data[split]
        for name in ("id", "text", "context", "label", "provenance"):
            digest.update(json.dumps(column(part, name), ensure_ascii=False).encode())
    return digest.hexdigest()[:16]


def save_dataset(data: DatasetDict, directory: Path, context_claims: int = 2) -> str:
    data.save_to_disk(str(directory))
    value = fingerprint(data)
    (directory / FINGERPRINT_FILE).write_text(json.dumps({"fingerprint": value, "context_claims": context_claims}))
    return value


def load_dataset(directory: Path) -> tuple[DatasetDict, str, int]:
    """The dataset, its fingerprint, and the number of context claims it was built with."""
    marker = directory / FINGERPRINT_FILE
    if not marker.is_file():
        raise StanceError(f"{directory}: no prepared dataset here; run `stance data build --out {directory}` first")
    meta = json.loads(marker.read_text())
    return load_from_disk(str(directory)), meta["fingerprint"], meta.get("context_claims", 2)


def counts(data: DatasetDict) -> dict[str, dict[str, dict[str, int]]]:
    """split -> provenance -> label -> number of claims."""
    table: dict[str, dict[str, dict[str, int]]] = {}
    for split in SPLITS:
        for label, provenance in zip(column(data[split], "label"), column(data[split], "provenance")):
            cell = table.setdefault(split, {}).setdefault(provenance, {name: 0 for name in LABELS})
            cell[LABELS[label]] += 1
    return table
