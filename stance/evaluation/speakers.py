"""Speaker spans against PolNeAR's gold Source spans.

Unit: a claim. Gold speakers of a claim are the Source spans of the attributions whose
whole extent lies inside it; a claim without any is journalist's voice (no speaker).
A predicted span is an *exact* hit when it equals a gold Source span (whitespace and
quotes trimmed), an *overlap* hit when it shares at least one character with one.
Precision = hits / predicted spans, recall = hits / claims with a gold speaker.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from stance.records import Article
from stance.claims.segment import segment
from stance.claims.speaker import find_speaker


@dataclass(frozen=True)
class SpeakerScores:
    claims: int
    gold: int
    predicted: int
    exact: int
    overlap: int

    def f1(self, hits: int) -> tuple[float, float, float]:
        precision = hits / self.predicted if self.predicted else 0.0
        recall = hits / self.gold if self.gold else 0.0
        return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def measure_speakers(articles: Iterable[Article]) -> SpeakerScores:
    claims = gold_count = predicted_count = exact = overlap = 0
    for article in articles:
        for claim in segment(article.text):
            claims += 1
            gold = []
            for attribution in article.attributions:
                start, end = attribution.extent
                if attribution.source and claim.start <= start and end <= claim.end:
                    s = min(a for a, _ in attribution.source)
                    e = max(b for _, b in attribution.source)
                    text = article.text[s:e]
                    stripped = text.strip(" \"“”'‘’(),")
                    s += text.index(stripped) if stripped else 0
                    gold.append((s, s + len(stripped)))
            found = find_speaker(claim.text)
            gold_count += bool(gold)
            if found is None:
                continue
            predicted_count += 1
            span = (claim.start + found[0], claim.start + found[1])
            exact += span in gold
            overlap += any(span[0] < e and s < span[1] for s, e in gold)
    return SpeakerScores(claims, gold_count, predicted_count, exact, overlap)
