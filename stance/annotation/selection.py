"""Which claims the gold corpus reads: a documented rule that raises the share of rare labels.

Denials are under 1% of news claims, so annotating random articles would give a
test set with a handful of them. The rule below chooses *articles* (then every claim
in them is labelled) by how much accusation and denial vocabulary they contain. The
vocabulary only chooses what to read; it never decides a label.

* PolNeAR test / dev: the articles of the split ranked by ``2 * denial cues +
  accusation cues`` (ties by id); the top ``n`` are annotated in full.
* FNC-1 test: bodies paired with at least one headline they ``disagree`` with in
  ``competition_test_stances.csv``, ranked by denial cues per claim; top ``n``.
* Training enrichment: single claims from training articles, drawn in equal parts
  from three pools of claims that fool a lexicon: denial-family words (including
  false friends such as "denied entry"), accusation-family words, and reporting
  verbs with negation or charged content but no stance verb. Deterministic (seeded).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass

from stance.records import Article, Claim
from stance.segment import segment

DENIAL_CUES = re.compile(
    r"\b(?:den(?:y|ies|ied|ial|ials|ying)|reject\w*|dismiss\w*|refut\w*|rebut\w*|false|baseless|untrue|"
    r"not true|fake|unfounded|no evidence|nonsense|hoax|debunk\w*|categorically|absurd|ridiculous|lies?)\b",
    re.IGNORECASE,
)
ACCUSATION_CUES = re.compile(
    r"\b(?:accus\w*|alleg\w*|blam\w*|charg\w*|fraud\w*|corrupt\w*|crim\w*|illegal\w*|lied|lying|cheat\w*|"
    r"abus\w*|responsib\w*|guilty|scandal\w*|misconduct|cover.?up)\b",
    re.IGNORECASE,
)
REPORTING_WITH_CHARGE = re.compile(
    r"\b(?:said|says|told|according to|wrote|tweeted|argued)\b.*\b(?:not|never|no|wrong|lie\w*|attack\w*|"
    r"destroy\w*|threat\w*|kill\w*|steal\w*|stole|rig\w*|disgrace\w*|dishonest|fail\w*)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SelectedClaim:
    article: Article
    claim: Claim
    index: int  # position of the claim in its article


def cue_score(text: str) -> int:
    return 2 * len(DENIAL_CUES.findall(text)) + len(ACCUSATION_CUES.findall(text))


def rank_articles(articles: Iterable[Article], n: int) -> list[Article]:
    return sorted(articles, key=lambda a: (-cue_score(a.text), a.id))[:n]


def rank_by_denial_density(articles: Iterable[Article], n: int) -> list[Article]:
    def density(article: Article) -> float:
        return len(DENIAL_CUES.findall(article.text)) / max(1, len(segment(article.text)))

    return sorted(articles, key=lambda a: (-density(a), a.id))[:n]


def enrichment_claims(articles: Iterable[Article], n: int, seed: int = 13) -> list[SelectedClaim]:
    pools: dict[str, list[SelectedClaim]] = {"denial": [], "accusation": [], "reporting": []}
    for article in articles:
        for index, claim in enumerate(segment(article.text)):
            selected = SelectedClaim(article, claim, index)
            if DENIAL_CUES.search(claim.text):
                pools["denial"].append(selected)
            elif ACCUSATION_CUES.search(claim.text):
                pools["accusation"].append(selected)
            elif REPORTING_WITH_CHARGE.search(claim.text):
                pools["reporting"].append(selected)
    rng = random.Random(seed)
    chosen: list[SelectedClaim] = []
    for name in sorted(pools):
        pool = pools[name]
        chosen.extend(rng.sample(pool, min(len(pool), n // len(pools) + 1)))
    return sorted(chosen[:n], key=lambda s: (s.article.id, s.claim.start))
