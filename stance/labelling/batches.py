"""Annotation batches: readable files for an annotator, and their labels back as standoff.

A batch file shows whole articles (every claim numbered, paragraphs kept) or single
claims with their context. The annotator writes ``id<TAB>LABEL<TAB>note`` lines; the
map file beside the batch turns ids back into offsets. Batch files hold corpus text,
so they live in an ignored working directory, never in git.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from stance.labelling.store import GoldLabel, text_hash
from stance.errors import StanceError
from stance.labels import check_label
from stance.records import Article, Claim
from stance.claims.segment import segment


@dataclass(frozen=True)
class BatchItem:
    id: str
    article: Article
    claim: Claim


def write_article_batch(directory: Path, batch: str, articles: list[Article]) -> list[BatchItem]:
    items, lines = [], [f"# Batch {batch}: label every claim (whole articles)\n"]
    for article in articles:
        lines.append(f"\n## Article {article.id} ({article.corpus}, {article.split})\n")
        paragraph = None
        for claim in segment(article.text):
            if paragraph is not None and claim.paragraph != paragraph:
                lines.append("")
            paragraph = claim.paragraph
            item = BatchItem(f"{batch}-{len(items) + 1:04d}", article, claim)
            items.append(item)
            lines.append(f"[{item.id}] {claim.text}")
    _write(directory, batch, lines, items)
    return items


def write_claim_batch(directory: Path, batch: str, selected: list[tuple[Article, Claim]], context: int = 2) -> list[BatchItem]:
    items, lines = [], [f"# Batch {batch}: label the claim marked >>> (read its context)\n"]
    for article, claim in selected:
        claims = segment(article.text)
        index = next(i for i, c in enumerate(claims) if c.start == claim.start)
        item = BatchItem(f"{batch}-{len(items) + 1:04d}", article, claim)
        items.append(item)
        lines.append(f"\n## {item.id} (article {article.id})")
        lines.extend(f"    {c.text}" for c in claims[max(0, index - context) : index])
        lines.append(f">>> [{item.id}] {claim.text}")
        lines.extend(f"    {c.text}" for c in claims[index + 1 : index + 2])
    _write(directory, batch, lines, items)
    return items


def _write(directory: Path, batch: str, lines: list[str], items: list[BatchItem]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{batch}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with open(directory / f"{batch}.map.tsv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        for item in items:
            writer.writerow([item.id, item.article.id, item.claim.start, item.claim.end, text_hash(item.claim.text)])


def read_batch_labels(map_path: Path, labels_path: Path, batch: str) -> list[GoldLabel]:
    """Join an annotator's ``id, label, note`` lines with the batch map into standoff labels.

    Every item of the batch must be labelled exactly once: a missing or unknown id is
    an error, so no claim of an article-level batch silently goes unlabelled.
    """
    with open(map_path, encoding="utf-8", newline="") as handle:
        spans = {row[0]: row[1:] for row in csv.reader(handle, delimiter="\t")}
    labelled: dict[str, GoldLabel] = {}
    for number, line in enumerate(labels_path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        where = f"{labels_path}:{number}"
        parts = line.split("\t")
        if len(parts) < 2:
            raise StanceError(f"{where}: expected 'id<TAB>LABEL[<TAB>note]'")
        item_id, label = parts[0].strip(), parts[1].strip()
        note = parts[2].strip() if len(parts) > 2 else ""
        if item_id not in spans:
            raise StanceError(f"{where}: unknown item id {item_id!r}")
        if item_id in labelled:
            raise StanceError(f"{where}: item {item_id} labelled twice")
        check_label(label, where)
        article_id, start, end, digest = spans[item_id]
        labelled[item_id] = GoldLabel(article_id, int(start), int(end), digest, label, batch, note)
    missing = sorted(set(spans) - set(labelled))
    if missing:
        raise StanceError(f"{labels_path}: {len(missing)} item(s) not labelled, first {missing[0]}")
    return list(labelled.values())
