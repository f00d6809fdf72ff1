"""Articles -> claims -> a Hugging Face ``DatasetDict`` (train/dev/test, split by article),
and the rows an experiment trains and is scored on.

Every row is one claim with its preceding context and a label whose provenance is
``gold`` (read by an annotator, from ``stance/labelling/gold``) or ``weak`` (from
the labelling functions in ``stance.labelling.weak``). Splits come from the corpora,
so no article is ever in two splits.

A saved dataset records two fingerprints: ``inputs`` (the build options, the
segmenter and weak-rule source code, the gold files and the corpus manifests) and
``content`` (a hash of the rows). ``prepared_data`` rebuilds whenever the inputs
changed, so an edited segmenter or a new gold batch is never silently ignored.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from datasets import ClassLabel, Dataset, DatasetDict, Features, Value, load_from_disk
from tqdm.auto import tqdm

from stance import paths
from stance.claims.segment import DEFAULT_CONTEXT_CLAIMS, context_of, segment
from stance.corpora import DEFAULT_CORPORA, read_corpus
from stance.errors import StanceError
from stance.labelling.store import GoldLabel, load_gold
from stance.labelling.weak import weak_label
from stance.labels import LABELS
from stance.records import Article

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


@dataclass(frozen=True)
class BuildOptions:
    corpora: tuple[str, ...] = DEFAULT_CORPORA
    context_claims: int = DEFAULT_CONTEXT_CLAIMS


@dataclass(frozen=True)
class PreparedData:
    data: DatasetDict
    fingerprint: str  # of the content
    options: BuildOptions


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


def build_dataset(options: BuildOptions = BuildOptions(), gold_dir: Path = paths.GOLD_DIR) -> DatasetDict:
    articles = [a for name in options.corpora for a in read_corpus(name)]
    gold = load_gold({a.id: a.text for a in articles}, gold_dir)
    rows: dict[str, list[dict]] = {split: [] for split in SPLITS}
    used = set()
    for article in tqdm(articles, desc="segmenting and labelling", unit="article"):
        for row in article_rows(article, gold, options.context_claims):
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


def content_fingerprint(data: DatasetDict) -> str:
    """A hash of every split's ids, texts, contexts, labels and provenance."""
    digest = hashlib.sha256()
    for split in SPLITS:
        part = data[split]
        for name in ("id", "text", "context", "label", "provenance"):
            digest.update(json.dumps(column(part, name), ensure_ascii=False).encode())
    return digest.hexdigest()[:16]


def inputs_fingerprint(options: BuildOptions, gold_dir: Path = paths.GOLD_DIR) -> str:
    """A hash of everything a build depends on, computed without building."""
    digest = hashlib.sha256(json.dumps([list(options.corpora), options.context_claims]).encode())
    code = [paths.PACKAGE_DIR / "claims" / "segment.py", paths.PACKAGE_DIR / "labelling" / "weak.py"]
    manifests = [paths.PACKAGE_DIR / "corpora" / "manifests" / f"{name}.sha256" for name in options.corpora]
    for path in [*code, *manifests, *sorted(gold_dir.glob("*.tsv"))]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def save_dataset(data: DatasetDict, directory: Path, options: BuildOptions, gold_dir: Path = paths.GOLD_DIR) -> str:
    data.save_to_disk(str(directory))
    content = content_fingerprint(data)
    meta = {"fingerprint": content, "inputs": inputs_fingerprint(options, gold_dir),
            "corpora": list(options.corpora), "context_claims": options.context_claims}
    (directory / FINGERPRINT_FILE).write_text(json.dumps(meta, indent=2))
    return content


def read_meta(directory: Path) -> dict | None:
    marker = directory / FINGERPRINT_FILE
    return json.loads(marker.read_text()) if marker.is_file() else None


def load_dataset(directory: Path) -> PreparedData:
    meta = read_meta(directory)
    if meta is None:
        raise StanceError(f"{directory}: no prepared dataset here; run `stance data build --out {directory}` first")
    options = BuildOptions(tuple(meta.get("corpora", DEFAULT_CORPORA)), meta.get("context_claims", DEFAULT_CONTEXT_CLAIMS))
    return PreparedData(load_from_disk(str(directory)), meta["fingerprint"], options)


def prepared_data(directory: Path | None = None, options: BuildOptions | None = None) -> PreparedData:
    """The dataset in ``directory``, (re)built first when missing or when its inputs changed.

    ``options=None`` takes the dataset as built (its own corpora and context size);
    otherwise a dataset built with other options is rebuilt.
    """
    directory = directory or paths.data_dir()
    meta = read_meta(directory)
    wanted = options or (BuildOptions(tuple(meta["corpora"]), meta["context_claims"])
                         if meta and "corpora" in meta else BuildOptions())
    if meta is None or meta.get("inputs") != inputs_fingerprint(wanted):
        reason = "first build" if meta is None else "its inputs changed (code, gold labels, corpora or options)"
        print(f"building the dataset in {directory} ({reason})", flush=True)
        save_dataset(build_dataset(wanted), directory, wanted)
    return load_dataset(directory)


def label_names(part: Dataset) -> list[str]:
    return [LABELS[i] for i in column(part, "label")]


@dataclass(frozen=True)
class EvalSet:
    """The claims a split is scored on: its gold claims, or its weak ones when it has no gold."""

    split: str
    provenance: str  # gold or weak
    ids: list[str]
    texts: list[str]
    contexts: list[str]
    labels: list[str]
    article_ids: list[str]
    corpora: list[str]


@dataclass(frozen=True)
class TrainSelection:
    """Which training claims a model learns from (an experiment config's ``data`` section)."""

    corpora: tuple[str, ...]
    provenance: tuple[str, ...] = ("gold", "weak")
    max_weak: int | None = None  # seeded random cap on weak claims; None = all
    max_gold: int | None = None  # seeded random cap on gold claims (learning curves); None = all
    gold_batches: tuple[str, ...] = ()  # only gold from these batches (glob patterns); () = every batch
    gold_repeat: int = 1  # each gold claim counts this many times
    seed: int = 13


def _capped(indices: list[int], cap: int | None, rng: np.random.Generator) -> list[int]:
    if cap is None or cap >= len(indices):
        return indices
    return list(rng.choice(indices, size=cap, replace=False))


def training_rows(data: DatasetDict, selection: TrainSelection) -> Dataset:
    """The training claims of ``selection``: gold and/or weak, capped and repeated as asked.

    A gold claim outside ``gold_batches`` is left out (not turned into a weak one), so a
    model trained on an earlier gold round never sees a later round's claims.
    """
    wanted = set(selection.provenance)
    train = data["train"].filter(lambda row: row["corpus"] in selection.corpora and row["provenance"] in wanted)
    kinds, batches = column(train, "provenance"), column(train, "batch")
    patterns = selection.gold_batches
    gold = [i for i, (p, b) in enumerate(zip(kinds, batches))
            if p == "gold" and (not patterns or any(fnmatch.fnmatchcase(b, pattern) for pattern in patterns))]
    weak = [i for i, p in enumerate(kinds) if p == "weak"]
    rng = np.random.default_rng(selection.seed)
    # weak first, then gold: the same draws as before max_gold existed, for the same seed
    weak = _capped(weak, selection.max_weak, rng)
    gold = _capped(gold, selection.max_gold, rng)
    keep = sorted(gold + weak)
    if len(keep) != len(train):
        train = train.select(keep)
    if selection.gold_repeat > 1:
        repeated = [i for i, p in enumerate(column(train, "provenance")) if p == "gold"]
        train = train.select(list(range(len(train))) + repeated * (selection.gold_repeat - 1))
    return train


def evaluation_set(data: DatasetDict, split: str, corpora: tuple[str, ...]) -> EvalSet:
    part = data[split].filter(lambda row: row["corpus"] in corpora)
    provenance = "gold" if "gold" in set(column(part, "provenance")) else "weak"
    part = part.filter(lambda row: row["provenance"] == provenance)
    columns = {name: column(part, name) for name in ("id", "text", "context", "article_id", "corpus")}
    return EvalSet(split, provenance, columns["id"], columns["text"], columns["context"], label_names(part),
                   columns["article_id"], columns["corpus"])


def counts(data: DatasetDict, by_corpus: bool = False) -> dict[str, dict[str, dict[str, int]]]:
    """split -> provenance (or ``corpus provenance``) -> label -> number of claims."""
    table: dict[str, dict[str, dict[str, int]]] = {}
    for split in SPLITS:
        part = data[split]
        corpora = column(part, "corpus") if by_corpus else [""] * len(part)
        for label, provenance, corpus in zip(column(part, "label"), column(part, "provenance"), corpora):
            key = f"{corpus} {provenance}".strip()
            cell = table.setdefault(split, {}).setdefault(key, {name: 0 for name in LABELS})
            cell[LABELS[label]] += 1
    return table
