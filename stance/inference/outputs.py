"""Writing predictions: JSONL, CSV, a terminal table, or a self-contained HTML page.

Every format is written from ``stance.records.ClaimRecord`` (the one schema, documented in
README.md): JSONL uses its nested form, CSV its flat form (the same columns as the MLflow
pyfunc and Spark output). Files are
written to a temporary name and renamed, so a failure never leaves partial output.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from stance.errors import StanceError
from stance.labels import LABELS
from stance.records import flat_columns

FORMATS = ("table", "jsonl", "csv", "html")
COLOURS = {"ACCUSATION": "#f4a6a6", "DENIAL": "#9ec5f8", "NEUTRAL_REPORT": "transparent"}


def render_jsonl(articles, predictions) -> str:
    return "".join(json.dumps(claim.nested(), ensure_ascii=False) + "\n" for claims in predictions for claim in claims)


def render_csv(articles, predictions) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=flat_columns(LABELS), lineterminator="\n")
    writer.writeheader()
    for claims in predictions:
        writer.writerows(claim.flat() for claim in claims)
    return buffer.getvalue()


def render_table(articles, predictions) -> str:
    lines = []
    for article, claims in zip(articles, predictions):
        lines.append(f"== {article.id} ({len(claims)} claims)")
        for claim in claims:
            text = claim.text if len(claim.text) <= 110 else claim.text[:107] + "..."
            lines.append(f"{claim.label:<15} {claim.probability:5.2f}  [{claim.start}:{claim.end}] {text}")
    return "\n".join(lines) + "\n"


def render_html(articles, predictions) -> str:
    """Each article with its claims highlighted by label; probabilities on hover (title)."""
    parts = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>stance predictions</title><style>",
             "body{font-family:Georgia,serif;max-width:52rem;margin:2rem auto;line-height:1.55;color:#222}",
             "article{white-space:pre-wrap;border-top:1px solid #ccc;padding-top:1rem;margin-bottom:2rem}",
             "span.claim{border-radius:3px;padding:0 1px}h2{font-family:sans-serif;font-size:1rem}",
             ".legend span{padding:2px 6px;margin-right:8px;border-radius:3px;font-family:sans-serif;font-size:.85rem}",
             "</style></head><body><h1>Claim stance</h1><p class='legend'>",
             *(f"<span style='background:{COLOURS[l]};border:1px solid #999'>{l}</span>" for l in LABELS),
             "</p>"]
    for article, claims in zip(articles, predictions):
        parts.append(f"<h2>{html.escape(article.id)}</h2><article>")
        cursor = 0
        for claim in claims:
            parts.append(html.escape(article.text[cursor:claim.start]))
            title = ", ".join(f"{k} {v:.2f}" for k, v in claim.probabilities.items())
            if claim.speaker:
                title += f" | speaker: {claim.speaker.text}"
            parts.append(f"<span class='claim' data-label='{claim.label}' style='background:{COLOURS[claim.label]}' "
                         f"title='{html.escape(claim.label)} ({claim.probability:.2f}) | {html.escape(title)}'>"
                         f"{html.escape(article.text[claim.start:claim.end])}</span>")
            cursor = claim.end
        parts.append(html.escape(article.text[cursor:]) + "</article>")
    parts.append("</body></html>\n")
    return "".join(parts)


RENDERERS = {"table": render_table, "jsonl": render_jsonl, "csv": render_csv, "html": render_html}


def check_output(output: str | None) -> None:
    """Refuse an output path that cannot be written, before any work is done."""
    if output is None or output == "-":
        return
    path = Path(output)
    if path.is_dir():
        raise StanceError(f"{output}: is a directory; give a file name, e.g. {path / 'predictions.jsonl'}")
    if not path.parent.exists():
        raise StanceError(f"{output}: directory {path.parent} does not exist")


def write_output(content: str, output: str | None) -> None:
    if output is None or output == "-":
        sys.stdout.write(content)
        return
    check_output(output)
    path = Path(output)
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp")
    try:
        with handle:
            handle.write(content)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(handle.name, 0o666 & ~umask)  # temporary files are private; the result should not be
        os.replace(handle.name, path)
    except BaseException:
        os.unlink(handle.name)
        raise
