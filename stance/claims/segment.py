"""Article -> claims, with exact character offsets into the original text.

What a claim is here:

* Paragraphs are lines; a blank line or a newline ends one. Headlines, datelines
  and bylines therefore become claims of their own (usually NEUTRAL_REPORT).
* A paragraph is split into sentences at ``. ! ?`` (plus closing quotes and
  brackets) followed by whitespace and something that can start a sentence.
  No split after a known abbreviation (Dr., Gen., Maj.-Gen., Sen., Jan., ...),
  a single-letter initial, or a dotted acronym such as U.S. unless the next word
  is a typical sentence opener ("U.S. The ...").
* A quotation that spans several sentences stays in one claim when it closes in
  the same paragraph, so the attribution ("..., the daily wrote.") stays with its
  content. A quotation left open to the end of the paragraph (the multi-paragraph
  quote convention) does not block splitting.
* A pure quotation that continues the quotation of the sentence before it
  (``"A," said X. "B."``) is joined to that sentence: both are the same
  speaker's statement, and alone the second one would have no speaker.
* A sentence holding two attributed statements joined by ``;``, ``, while``,
  ``, whereas`` or ``, but`` (outside quotes) is split there when both halves have
  a reporting cue ("X said A, while Y denied B").

Invariant: ``text[claim.start:claim.end] == claim.text`` for every claim, and
claims never overlap and are in document order.
"""

from __future__ import annotations

import re

from stance.records import Claim

ABBREVIATIONS = frozenset(
    """mr mrs ms messrs dr prof gen maj col lt sgt capt cmdr cpl adm sen sens rep reps gov govs atty
    supt det insp pres rev hon st jr sr vs etc inc corp co ltd bros dept univ assn est approx
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thurs fri sat sun
    no nos vol fig ft mt ave blvd rd hwy ariz calif colo conn fla ga ill ind kan ky la mass md
    mich minn miss mo mont neb nev okla ore pa tenn tex va vt wash wis wyo cf al del""".split()
)
SENTENCE_OPENERS = frozenset(
    """the a an he she it they we i in on at but and this that these those there his her its
    their our mr mrs ms dr after before when while if as for some many most one two""".split()
)
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9])")
_TOKEN_BEFORE = re.compile(r"(\S+)$")
_ACRONYM = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]?$")
_NEXT_WORD = re.compile(r"\s+[\"“‘'(\[]?([A-Za-z]+)")
_CLAUSE_JOINT = re.compile(r";\s+|,\s+(?=(?:while|whereas|but)\s)")
REPORTING_CUE = re.compile(
    r"\b(?:said|says|say|told|tells|stated|claimed|claims|argued|added|insisted|denied|denies|deny|"
    r"rejected|rejects|dismissed|dismisses|accused|accuses|accuse|alleged|alleges|blamed|blames|"
    r"charged|wrote|writes|tweeted|according to|responded|countered|called|calls|described)\b",
    re.IGNORECASE,
)


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Non-empty lines, trimmed of surrounding whitespace."""
    spans = []
    for match in re.finditer(r"[^\n]+", text):
        line = match.group()
        stripped = line.strip()
        if stripped:
            start = match.start() + line.index(stripped[0])
            spans.append((start, start + len(stripped)))
    return spans


def quote_regions(paragraph: str) -> list[tuple[int, int]]:
    """Closed quotations in a paragraph as (open, close) offsets; unclosed ones are dropped."""
    regions, open_at = [], None
    for i, char in enumerate(paragraph):
        if char == "“" or (char == '"' and open_at is None):
            open_at = i if open_at is None else open_at
        elif (char == "”" or char == '"') and open_at is not None:
            regions.append((open_at, i))
            open_at = None
    return regions


def _inside(position: int, regions: list[tuple[int, int]]) -> bool:
    return any(open_at < position < close_at for open_at, close_at in regions)


def _is_abbreviation(paragraph: str, dot: int) -> bool:
    """Whether the period at ``dot`` ends an abbreviation rather than a sentence."""
    if paragraph[dot] != ".":
        return False
    token_match = _TOKEN_BEFORE.search(paragraph[: dot + 1])
    token = token_match.group(1).lstrip("\"“‘'([") if token_match else ""
    last_part = re.split(r"[-–]", token[:-1])[-1]
    if last_part.lower() in ABBREVIATIONS or re.fullmatch(r"[A-Z]", last_part):
        return True
    if _ACRONYM.match(token[:-1] + "."):
        following = _NEXT_WORD.match(paragraph, dot + 1)
        return not (following and following.group(1).lower() in SENTENCE_OPENERS)
    return False


def sentence_spans(paragraph: str) -> list[tuple[int, int]]:
    """Sentence offsets within one paragraph string."""
    regions = quote_regions(paragraph)
    spans, start = [], 0
    for match in _BOUNDARY.finditer(paragraph):
        end = match.end()
        if _inside(match.start(), regions) and _inside(end - 1, regions):
            continue
        if _is_abbreviation(paragraph, match.start()):
            continue
        spans.append((start, end))
        start = end + (len(paragraph[end:]) - len(paragraph[end:].lstrip()))
    if start < len(paragraph):
        spans.append((start, len(paragraph)))
    return _join_quote_continuations(paragraph, spans)


_ENDS_WITH_ATTRIBUTED_QUOTE = re.compile(r"[”\"][^“”\"]*$")
_PURE_QUOTATION = re.compile(r"^[“\"][^“”\"]*[”\"]$")


def _join_quote_continuations(paragraph: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if joined:
            previous = paragraph[joined[-1][0] : joined[-1][1]]
            tail = _ENDS_WITH_ATTRIBUTED_QUOTE.search(previous)
            if tail and REPORTING_CUE.search(tail.group()) and _PURE_QUOTATION.match(paragraph[start:end]):
                joined[-1] = (joined[-1][0], end)
                continue
        joined.append((start, end))
    return joined


def clause_spans(sentence: str) -> list[tuple[int, int]]:
    """Split a sentence between two attributed statements, else return it whole."""
    regions = quote_regions(sentence)
    for joint in _CLAUSE_JOINT.finditer(sentence):
        if _inside(joint.start(), regions):
            continue
        left, right = sentence[: joint.start()], sentence[joint.end() :]
        if REPORTING_CUE.search(left) and REPORTING_CUE.search(right):
            head_end = joint.start() + 1 if sentence[joint.start()] == ";" else joint.start()
            rest = clause_spans(right)
            return [(0, head_end)] + [(joint.end() + s, joint.end() + e) for s, e in rest]
    return [(0, len(sentence))]


def segment(text: str) -> list[Claim]:
    """Split an article into claims with exact offsets (see the module docstring)."""
    claims = []
    for number, (p_start, p_end) in enumerate(paragraph_spans(text)):
        paragraph = text[p_start:p_end]
        for s_start, s_end in sentence_spans(paragraph):
            sentence = paragraph[s_start:s_end]
            for c_start, c_end in clause_spans(sentence):
                start, end = p_start + s_start + c_start, p_start + s_start + c_end
                piece = text[start:end]
                stripped = piece.strip()
                if not stripped:
                    continue
                start += piece.index(stripped[0])
                end = start + len(stripped)
                claims.append(Claim(text[start:end], start, end, number))
    return claims


DEFAULT_CONTEXT_CLAIMS = 2  # what a dataset is built with unless told otherwise; models record their own


def context_of(claims: list[Claim], index: int, n: int) -> str:
    """The ``n`` claims before ``index``, joined: what a reader saw just before this claim."""
    return " ".join(c.text for c in claims[max(0, index - n) : index])
