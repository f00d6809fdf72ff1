"""Typed records that flow through the pipeline: articles in, claims out, and the one
schema of a predicted claim (``ClaimRecord``) that every output format is written from."""

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


@dataclass(frozen=True)
class Speaker:
    text: str
    start: int  # article offsets
    end: int


@dataclass(frozen=True)
class ClaimRecord:
    """What every prediction path returns for one claim: CLI JSONL (``nested``), CSV, the MLflow
    pyfunc and Spark (``flat``). Offsets are characters of the input article text."""

    article_id: str
    claim_index: int
    start: int
    end: int
    text: str
    label: str
    probability: float  # of ``label``
    probabilities: dict[str, float]  # every label, in LABELS order
    speaker: Speaker | None = None  # None: the journalist's own voice

    def nested(self) -> dict:
        """JSON form: ``probabilities`` a mapping, ``speaker`` an object or null."""
        speaker = None if self.speaker is None else {"text": self.speaker.text, "start": self.speaker.start,
                                                     "end": self.speaker.end}
        return {"article_id": self.article_id, "claim_index": self.claim_index, "start": self.start, "end": self.end,
                "text": self.text, "label": self.label, "probability": self.probability,
                "probabilities": dict(self.probabilities), "speaker": speaker}

    def flat(self) -> dict:
        """Tabular form (CSV, pandas, Parquet): one ``p_<LABEL>`` column per label and
        ``speaker``/``speaker_start``/``speaker_end`` columns, null without a speaker."""
        row = {key: value for key, value in self.nested().items() if key not in ("probabilities", "speaker")}
        row.update({f"p_{label}": p for label, p in self.probabilities.items()})
        row.update(speaker=self.speaker.text if self.speaker else None,
                   speaker_start=self.speaker.start if self.speaker else None,
                   speaker_end=self.speaker.end if self.speaker else None)
        return row


def flat_columns(labels: tuple[str, ...]) -> list[str]:
    """Column order of ``ClaimRecord.flat`` for a label set."""
    return ["article_id", "claim_index", "start", "end", "text", "label", "probability",
            *[f"p_{label}" for label in labels], "speaker", "speaker_start", "speaker_end"]
