"""NewsDiscourse (Choubey et al., ACL 2020): Reuters and Xinhua wire stories, 2014-19.

Only the Reuters and Xinhua files are read (the NYT/``kbp`` files are LDC-licensed).
Each upstream ``.txt`` holds ``URL``, ``DATE/ AUTHOR``, ``H <headline>`` and one
``S<n> <sentence>`` line per sentence, a blank line between paragraphs.

Running text, one deterministic rule (gold offsets point into it)::

    headline + "\\n\\n" + paragraph 1 + "\\n\\n" + paragraph 2 ...

where a paragraph is a run of consecutive ``S`` lines joined by one space, and
every blank line ends a paragraph. Text is used as upstream wrote it (no Unicode
normalisation), only stripped of the line prefixes and trailing whitespace.

Splits follow upstream (train / validation -> dev / test). Two stories appear in
two upstream splits under different names; a story is kept once, in the later
evaluation split (test, then dev), so no text is in two splits.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from stance.corpora.mirror import NEWSDISCOURSE, corpus_dir
from stance.errors import StanceError
from stance.records import Article

ZIPS = {"train": "data_train.zip", "dev": "data_validation.zip", "test": "data_test.zip"}
PRECEDENCE = ("test", "dev", "train")  # where a story found in several splits is kept
SOURCES = ("Reuters", "Xinhua")
DOMAIN_PREFIX = {"B": "Business", "C": "Crime", "D": "Disaster", "P": "Politics"}
_SENTENCE = re.compile(r"^S\d+ (.*)$")
_FILE = re.compile(r"^(?P<domain>[BCDP])?(?P<source>Reuters|Xinhua)_\d+\.txt$")


def running_text(raw: str, where: str) -> tuple[str, dict[str, str]]:
    """The article text and its metadata (url, date) from one upstream file."""
    meta: dict[str, str] = {}
    headline = None
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in raw.splitlines():
        line = line.rstrip()
        if line.startswith("URL "):
            meta["url"] = line[4:].strip()
        elif line.startswith("DATE/ AUTHOR"):
            meta["date"] = line[len("DATE/ AUTHOR") :].strip().split("\t")[0]
        elif line.startswith("H "):
            headline = line[2:].strip()
        elif match := _SENTENCE.match(line):
            current.append(match.group(1).strip())
        elif not line.strip():
            if current:
                paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    if headline is None or not paragraphs:
        raise StanceError(f"{where}: no headline (H line) or no sentences (S lines)")
    body = "\n\n".join(" ".join(s for s in paragraph if s) for paragraph in paragraphs)
    return f"{headline}\n\n{body}", meta


def _members(archive: zipfile.ZipFile) -> Iterator[tuple[PurePosixPath, re.Match]]:
    for name in sorted(archive.namelist()):
        path = PurePosixPath(name)
        if "__MACOSX" in path.parts:
            continue
        match = _FILE.match(path.name)
        if match:
            yield path, match


def read_newsdiscourse(splits: tuple[str, ...] = ("train", "dev", "test"), root: Path | None = None) -> Iterator[Article]:
    root = root or corpus_dir(NEWSDISCOURSE)
    seen: set[str] = set()
    kept: dict[str, list[Article]] = {split: [] for split in PRECEDENCE}
    for split in PRECEDENCE:
        zip_path = root / ZIPS[split]
        if not zip_path.is_file():
            raise StanceError(f"{zip_path}: missing NewsDiscourse archive")
        with zipfile.ZipFile(zip_path) as archive:
            for path, match in _members(archive):
                where = f"{zip_path}:{path}"
                try:
                    raw = archive.read(str(path)).decode("utf-8")
                except UnicodeDecodeError:
                    raise StanceError(f"{where}: not UTF-8") from None
                text, meta = running_text(raw, where)
                digest = hashlib.sha256(text.encode()).hexdigest()
                if digest in seen:
                    continue  # the same story in an evaluation split already
                seen.add(digest)
                domain = DOMAIN_PREFIX.get(match.group("domain") or "", path.parent.name)
                meta.update(source=match.group("source"), domain=domain, upstream_file=str(path))
                article_id = f"newsdiscourse:{split}/{domain}/{path.stem}"
                kept[split].append(Article(article_id, "newsdiscourse", split, text, (), meta))
    for split in ("train", "dev", "test"):
        if split in splits:
            yield from kept[split]
