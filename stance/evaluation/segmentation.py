"""How well claims line up with PolNeAR's human attribution spans.

An attribution (source + cue + content, discontinuous fragments included) is
*contained* when exactly one predicted claim covers its whole extent. Quotations
that PolNeAR annotates across several paragraphs can never be contained by a
paragraph-bounded claim; they are counted, not excused.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass

from stance.records import Article
from stance.claims.segment import segment


@dataclass(frozen=True)
class SegmentationAgreement:
    attributions: int
    contained: int  # whole extent inside exactly one claim
    content_contained: int  # content fragments inside one claim (source/cue may lie outside)
    claims: int

    @property
    def contained_rate(self) -> float:
        return self.contained / self.attributions if self.attributions else 0.0

    @property
    def content_rate(self) -> float:
        return self.content_contained / self.attributions if self.attributions else 0.0


def _covering_claim(starts: list[int], ends: list[int], start: int, end: int) -> bool:
    index = bisect.bisect_right(starts, start) - 1
    return index >= 0 and ends[index] >= end


def measure(articles: Iterable[Article]) -> SegmentationAgreement:
    attributions = contained = content_contained = claims = 0
    for article in articles:
        predicted = segment(article.text)
        claims += len(predicted)
        starts = [c.start for c in predicted]
        ends = [c.end for c in predicted]
        for attribution in article.attributions:
            attributions += 1
            contained += _covering_claim(starts, ends, *attribution.extent)
            content = attribution.content
            content_contained += _covering_claim(starts, ends, min(s for s, _ in content), max(e for _, e in content))
    return SegmentationAgreement(attributions, contained, content_contained, claims)
