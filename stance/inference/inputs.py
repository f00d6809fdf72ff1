"""Reading articles a user hands us: .txt files, directories, JSONL or stdin.

Every problem is a ``StanceError`` naming the file (and line for JSONL): a missing
file, a binary file, text that is not UTF-8, an empty article, a JSONL line that
is not a JSON object with ``text``.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from stance.errors import StanceError

MAX_ARTICLE_BYTES = 20_000_000
_HTML_PAGE = re.compile(r"<!doctype html|<html[\s>]|<body[\s>]", re.IGNORECASE)


@dataclass(frozen=True)
class InputArticle:
    id: str
    text: str


def decode_text(data: bytes, where: str) -> str:
    if b"\x00" in data[:8192]:
        raise StanceError(f"{where}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StanceError(f"{where}: not valid UTF-8 (byte {exc.start}); convert it with e.g. "
                          f"`iconv -f latin1 -t utf-8`") from None
    problem = text_problem(text)
    if problem:
        raise StanceError(f"{where}: {problem}")
    return text


def text_problem(text: str) -> str | None:
    """Why a decoded article cannot be labelled (None: it can). Shared by every engine."""
    if not text.strip():
        return "the article is empty"
    if _HTML_PAGE.search(text[:5000]):
        # Offsets must point into what the user gave us, so we do not strip markup silently.
        return ("looks like an HTML page; extract the article's plain text first "
                "(e.g. `python -m html2text` or your browser's reader view)")
    return None


def _read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_ARTICLE_BYTES:
            raise StanceError(f"{path}: larger than {MAX_ARTICLE_BYTES // 1_000_000} MB; split it first")
        return path.read_bytes()
    except FileNotFoundError:
        raise StanceError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise StanceError(f"{path}: is a directory") from None
    except PermissionError:
        raise StanceError(f"{path}: permission denied") from None


def read_jsonl(data: bytes, where: str) -> Iterator[InputArticle]:
    text = decode_text(data, where)
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise StanceError(f"{where}:{number}: not valid JSON ({exc.msg})") from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise StanceError(f"{where}:{number}: expected an object with a string field 'text'")
        if not record["text"].strip():
            raise StanceError(f"{where}:{number}: the article is empty")
        yield InputArticle(str(record.get("id", f"{where}:{number}")), record["text"])


def read_inputs(sources: list[str]) -> list[InputArticle]:
    """Articles from paths ('-' is stdin; a directory means its *.txt and *.jsonl files)."""
    articles: list[InputArticle] = []
    for source in sources:
        if source == "-":
            data = sys.stdin.buffer.read()
            first = data.lstrip()[:1]
            if first == b"{":
                articles.extend(read_jsonl(data, "<stdin>"))
            else:
                articles.append(InputArticle("<stdin>", decode_text(data, "<stdin>")))
            continue
        path = Path(source)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix in (".txt", ".jsonl"))
            if not files:
                raise StanceError(f"{path}: directory holds no .txt or .jsonl files")
        else:
            files = [path]
        for file in files:
            if file.suffix == ".jsonl":
                articles.extend(read_jsonl(_read_bytes(file), str(file)))
            else:
                articles.append(InputArticle(str(file), decode_text(_read_bytes(file), str(file))))
    return articles
