"""``stance annotate``: label claims by hand, one at a time, into a standoff TSV.

Each claim is shown with the claims before it and the guideline summary. Answers:
``a`` ACCUSATION, ``d`` DENIAL, ``n`` NEUTRAL_REPORT (optionally followed by a note:
``d rule 1: also counter-accuses``), ``s`` skip, ``q`` quit. Every label is written to
disk (atomically) as soon as it is given, and a rerun resumes at the first claim
without a label, so no saved label is ever lost.
"""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Callable
from pathlib import Path

from stance.labelling.store import GoldLabel, read_labels, text_hash, write_labels
from stance.corpora import read_corpus
from stance.errors import StanceError
from stance.records import Article
from stance.claims.segment import segment

SUMMARY = """\
ACCUSATION  asserts/alleges/insinuates that an identifiable party did wrong or caused harm
DENIAL      rejects/disputes an accusation, report or claim ('denied entry' is NOT a denial)
NEUTRAL     everything else (policy criticism, plain reporting, no identifiable party)
Denial + counter-accusation -> DENIAL. Full rules: docs/annotation-guidelines.md"""
KEYS = {"a": "ACCUSATION", "d": "DENIAL", "n": "NEUTRAL_REPORT"}


def find_articles(article_ids: list[str]) -> list[Article]:
    wanted = set(article_ids)
    found: dict[str, Article] = {}
    for corpus in sorted({i.split(":", 1)[0] for i in article_ids}):
        for article in read_corpus(corpus):
            if article.id in wanted:
                found[article.id] = article
    missing = [i for i in article_ids if i not in found]
    if missing:
        raise StanceError(f"unknown article id {missing[0]!r} (ids look like polnear:<file stem> or fnc1:<body id>)")
    return [found[i] for i in article_ids]


def annotate(articles: list[Article], out: Path, batch: str, ask: Callable[[str], str] = input,
             show: Callable[[str], None] = print) -> int:
    """Run the labelling loop; returns how many labels were added."""
    labels = {label.key: label for label in read_labels(out)} if out.exists() else {}
    added = 0
    for article in articles:
        claims = segment(article.text)
        for index, claim in enumerate(claims):
            key = (article.id, claim.start, claim.end)
            if key in labels:
                continue
            show(f"\n{article.id}  claim {index + 1}/{len(claims)}  [{claim.start}:{claim.end}]")
            for before in claims[max(0, index - 2) : index]:
                show(textwrap.indent(textwrap.fill(before.text, 96), "    "))
            show(">>> " + textwrap.fill(claim.text, 96, subsequent_indent="    "))
            while True:
                answer = ask(f"{SUMMARY}\n[a/d/n (+ note), s skip, q quit] > ").strip()
                choice, _, note = answer.partition(" ")
                if choice in KEYS or choice in ("s", "q"):
                    break
                show(f"unknown answer {answer!r}")
            if choice == "q":
                return added
            if choice == "s":
                continue
            labels[key] = GoldLabel(article.id, claim.start, claim.end, text_hash(claim.text), KEYS[choice],
                                    batch, note.strip())
            write_labels(out, labels.values())
            added += 1
    show(f"\nall claims of {len(articles)} article(s) are labelled in {out}")
    return added


def run_annotation_tool(args: argparse.Namespace) -> None:
    try:
        annotate(find_articles(args.articles), Path(args.out), args.batch)
    except EOFError:
        print("\nstopped (end of input); every label given so far is saved")
