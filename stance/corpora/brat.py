"""A reader for the brat standoff files of PolNeAR.

PolNeAR annotates attributions as text-bound spans (Source, Cue, Content, plus an
Attribution trigger) joined by an event line::

    T1	Source 0 15	Washington Post
    T9	Content 315 448;463 553	...discontinuous span...
    E1	Attribution:T4 Content:T3 Cue:T2 Source:T1

Span text may contain newlines, so a line that does not start an annotation
continues the previous one. Offsets are checked against the article text.
"""

from __future__ import annotations

import re
from pathlib import Path

from stance.errors import StanceError
from stance.records import Attribution, Fragment

_ANNOTATION_START = re.compile(r"^(?:[TERAMN]\d+|#\d*)\t")


def _fragments(spec: str, where: str, text_length: int) -> tuple[Fragment, ...]:
    fragments = []
    for part in spec.split(";"):
        try:
            start, end = (int(x) for x in part.split())
        except ValueError:
            raise StanceError(f"{where}: bad span {part!r} (expected 'start end')") from None
        if not 0 <= start <= end <= text_length:
            raise StanceError(f"{where}: span {start}-{end} outside the article (length {text_length})")
        fragments.append((start, end))
    return tuple(fragments)


def read_attributions(path: Path, text: str) -> tuple[Attribution, ...]:
    """Parse one .ann file into attributions, with spans validated against ``text``."""
    spans: dict[str, tuple[Fragment, ...]] = {}
    events: list[tuple[str, dict[str, str], str]] = []
    lines = path.read_text(encoding="utf-8").split("\n")
    for number, line in enumerate(lines, start=1):
        if not _ANNOTATION_START.match(line):
            continue  # blank, or the continuation of a span text that held a newline
        where = f"{path}:{number}"
        ident, _, rest = line.partition("\t")
        if ident.startswith("T"):
            header = rest.split("\t", 1)[0]
            kind, _, offsets = header.partition(" ")
            if not offsets:
                raise StanceError(f"{where}: text-bound annotation {ident} has no offsets")
            spans[ident] = _fragments(offsets, where, len(text))
        elif ident.startswith("E"):
            trigger, *arguments = rest.split()
            roles = {}
            for argument in arguments:
                role, _, target = argument.partition(":")
                roles[role] = target
            events.append((ident, roles, where))

    attributions = []
    for ident, roles, where in events:
        def span(role: str) -> tuple[Fragment, ...]:
            target = roles.get(role)
            if target is None:
                return ()
            if target not in spans:
                raise StanceError(f"{where}: event {ident} refers to unknown annotation {target}")
            return spans[target]

        if "Content" not in roles:
            continue  # an attribution without content carries no statement to classify
        attributions.append(Attribution(ident, span("Source"), span("Cue"), span("Content")))
    return tuple(attributions)
