"""Typed records that flow through the pipeline: articles in, claims out."""

from __future__ import annotations

from dataclasses import dataclass, field

Fragment = tuple[int, int]  # [start, end) character offsets into the article text


@dataclass(frozen=True)
class Attribution:
    """One PolNeAR attribution relation. Spans may be discontinuous (several fragments)."""

    id: str
    source: tuple[Fragment, ...]
    cue: tuple[Fragment, ...]
    content: tuple[Fragment, ...]

    @property
    def extent(self) -> Fragment:
        """The smallest span covering source, cue and content."""
        fragments = self.source + self.cue + self.content
        return min(s for s, _ in fragments), max(e for _, e in fragments)


@dataclass(frozen=True)
class Article:
    id: str  # unique across corpora, e.g. "polnear:nyt_2016-09-08_..." or "fnc1:1234"
    corpus: str
    split: str  # train / dev / test
    text: str
    attributions: tuple[Attribution, ...] = ()
    meta: dict[str, str] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Claim:
    """A span of an article that carries one stance. ``text == article_text[start:end]``."""

    text: str
    start: int
    end: int
    paragraph: int
