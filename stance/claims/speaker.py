"""Who says it: the speaker (source) span of an attributed claim, or None for the journalist's voice.

Rules over the claim text, tried in order (offsets are into the claim):

1. after a closing quote: ``"...," said Major-General Igor Konashenkov, a spokesman`` or
   ``"...," Manning said`` / ``"...," the newspaper wrote``;
2. ``according to X``;
3. a trailing ``..., said one GOP source in the room.`` (at most eight words);
4. a subject before a reporting verb: ``The Pentagon strongly denied ...``,
   ``In Washington, Pentagon spokesman Colonel Robert Manning described ...``
   (a leading adverbial phrase ending in a comma is skipped);
5. a parenthetical ``..., he said, ...``.

Measured against PolNeAR's gold Source spans by ``stance data speakers``.
"""

from __future__ import annotations

import re

CUE = (r"(?:said|says|say|told|tells|added|adds|asked|asks|wrote|writes|tweeted|stated|states|claimed|claims|"
       r"alleged|alleges|insisted|insists|argued|argues|accused|accuses|denied|denies|deny|blamed|blames|"
       r"rejected|rejects|dismissed|dismisses|described|describes|called|calls|warned|warns|charged|charges|"
       r"countered|counters|responded|responds|explained|explains|noted|notes|acknowledged|acknowledges|"
       r"suggested|suggests|announced|announces|declared|declares|contended|contends|maintained|maintains|"
       r"conceded|concedes|replied|replies|admitted|admits|complained|complains|predicted|predicts|"
       r"believes|believed|thinks|thought|fears|feared|urged|urges|questioned|questions|disputed|disputes|"
       r"recalled|recalls|found|finds|agreed|agrees|criticized|criticizes|denounced|denounces|likened|"
       r"pointed out|points out|argued|wondered|emphasized|stressed|observed|reported|reports|testified)")
ADVERBS = r"(?:(?:also|later|then|again|has|have|had|was|were|is|are|strongly|flatly|repeatedly|publicly|previously|quickly|immediately|separately|further|once|has\s+long|long|never|not|n't|would|will|could|may|might)\s+)*"
SPEAKER_WORDS = r"[A-Z\"“'‘(]?[\w.'’&-]+(?:\s+[\w.'’&-]+){0,11}"

QUOTE_END = r"(?:[”\"]|'')"
_AFTER_QUOTE_INVERTED = re.compile(rf"{QUOTE_END}\s*,?\s*{CUE}\s+(?P<speaker>[^,.;:”\"“]+?)\s*(?:[,.;:]|$)")
_AFTER_QUOTE = re.compile(rf"{QUOTE_END}\s*,?\s*(?P<speaker>[^.;:”\"“]+?),?\s+{ADVERBS}{CUE}\b")
_INVERTED_AT_END = re.compile(rf",\s+{CUE}\s+(?P<speaker>[^\s,.;:”\"“]+(?:\s+[^\s,.;:”\"“]+){{0,7}})\s*[.!?]?$")
_ACCORDING_TO = re.compile(r"\b[Aa]ccording to\s+(?P<speaker>[^,.;:”\"“]+?)\s*(?:[,.;:]|$)")
_SUBJECT = re.compile(rf"^(?:[^,\"“]{{1,120}},\s+)?(?P<speaker>{SPEAKER_WORDS}?),?\s+{ADVERBS}{CUE}\b")
_PARENTHETICAL = re.compile(rf",\s+(?P<speaker>(?:he|she|they|we|I|[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){{0,3}}))\s+{CUE},")
_NOT_A_SPEAKER = re.compile(r"^(?:it|this|that|there|which|what|who|as|when|if|but|and|so|because|while)\b", re.IGNORECASE)


def find_speaker(claim: str) -> tuple[int, int] | None:
    """(start, end) of the speaker within ``claim``, or None when no one is quoted."""
    for pattern in (_AFTER_QUOTE_INVERTED, _AFTER_QUOTE, _ACCORDING_TO, _INVERTED_AT_END, _SUBJECT, _PARENTHETICAL):
        match = pattern.search(claim)
        if match is None:
            continue
        start, end = match.span("speaker")
        text = claim[start:end]
        stripped = text.strip(" \"“”'‘’(")
        if not stripped or _NOT_A_SPEAKER.match(stripped):
            continue
        start += text.index(stripped)
        return start, start + len(stripped)
    return None


def speaker_and_previous(claim: str, context: str) -> str:
    """The second input segment of the ``speaker`` context style: who is quoted in ``claim`` (or
    "no speaker") and the last claim of ``context`` (the sentence just before)."""
    from stance.claims.segment import segment

    span = find_speaker(claim)
    who = claim[span[0]:span[1]].strip() if span else "no speaker"
    before = segment(context)
    return f"speaker: {who} | before: {before[-1].text if before else ''}"
