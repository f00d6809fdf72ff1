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
from stance.claims.segment import segment

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


# --- Round 2 (guidelines v1.1): world-news evaluation articles and 12k training claims ---

# Vocabulary of likely *hard negatives*: claims that look like an accusation or a denial
# but that the guidelines often call neutral (refusals, rejected proposals, denied entry,
# negated or hypothetical accusations, condemnations without a perpetrator). It only
# chooses what is read; annotators decide each label and never see which pool a claim
# came from.
HARD_NEGATIVE_CUES = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)\s+(?:\w+\s+){0,2}(?:entry|access|bail|visas?|permits?|requests?|them|him|her)"
    r"|reject\w*\s+(?:\w+\s+){0,3}(?:calls?|requests?|proposals?|offers?|demands?|plans?|bids?|appeals?|deals?|idea)"
    r"|refus\w+|declin\w+ to|no comment|would not comment|did not (?:respond|comment)"
    r"|(?:no one|nobody|not been|never been|no evidence of)\s+(?:\w+\s+){0,2}(?:accus|charg|blam|alleg)\w*"
    r"|if\b.{0,60}\b(?:guilty|illegal|corrupt|crime|wrongdoing)"
    r"|condemn\w*|criticiz\w*|criticis\w*|opposed?|against the)\b",
    re.IGNORECASE,
)


def world_eval_articles(
    articles: Iterable[Article], per_source: int, seed: int, max_claims: int = 60
) -> list[Article]:
    """Whole articles for world-news test/dev gold: per source, half by cue score, half at random.

    Sources are Reuters, Xinhua (NewsDiscourse) and Wikinews. Articles longer than
    ``max_claims`` claims (interviews, live blogs) are not read in full. Half of each
    source's articles are the top by ``2 * denial cues + accusation cues`` (so the rare
    labels occur often enough to score), half a seeded random draw of the rest (so the
    set also shows ordinary wire copy).
    """
    by_source: dict[str, list[Article]] = {}
    for article in articles:
        if len(segment(article.text)) <= max_claims:
            by_source.setdefault(article.meta.get("source", article.corpus), []).append(article)
    rng = random.Random(seed)
    chosen: list[Article] = []
    for source in sorted(by_source):
        pool = by_source[source]
        ranked = rank_articles(pool, per_source // 2)
        rest = sorted((a for a in pool if a not in ranked), key=lambda a: a.id)
        chosen.extend(ranked + rng.sample(rest, min(len(rest), per_source - len(ranked))))
    return chosen


@dataclass(frozen=True)
class ClaimScore:
    """What the current champion and the lexicon say of a claim: used only to choose it."""

    margin: float  # champion's top-1 minus top-2 probability
    disagrees: bool  # champion's label != lexicon's label


def training_claims(
    candidates: list[SelectedClaim], scores: dict[tuple[str, int], ClaimScore], n: int, seed: int,
    shares: tuple[float, float, float] = (0.3, 0.3, 0.4),
    pool: tuple[str, re.Pattern[str]] = ("hard-negative", HARD_NEGATIVE_CUES),
) -> list[tuple[str, SelectedClaim]]:
    """``n`` training claims as (stratum, claim), from three strata drawn in this order.

    * ``pool[0]`` (share 0): a seeded random draw of claims matching the pattern ``pool[1]``
      (round 2: HARD_NEGATIVE_CUES; round 3: DENIAL_CUES);
    * ``uncertain`` (share 1): of the rest that the champion scored (``scores``), claims
      where the champion and the lexicon disagree, then the champion's lowest top-1/top-2
      margin (active learning);
    * ``random`` (share 2): a seeded uniform draw of the remaining claims.
    """
    rng = random.Random(seed)
    taken: set[tuple[str, int]] = set()

    def key(s: SelectedClaim) -> tuple[str, int]:
        return s.article.id, s.claim.start

    pool_name, pattern = pool
    n_pool, n_uncertain = round(n * shares[0]), round(n * shares[1])
    pooled = [s for s in candidates if pattern.search(s.claim.text)]
    from_pool = rng.sample(pooled, min(n_pool, len(pooled)))
    taken.update(map(key, from_pool))
    scored = [s for s in candidates if key(s) not in taken and key(s) in scores]
    uncertain = sorted(scored, key=lambda s: (not scores[key(s)].disagrees, scores[key(s)].margin, key(s)))[:n_uncertain]
    taken.update(map(key, uncertain))
    rest = [s for s in candidates if key(s) not in taken]
    randomly = rng.sample(rest, min(n - len(from_pool) - len(uncertain), len(rest)))
    return [(pool_name, s) for s in from_pool] + [("uncertain", s) for s in uncertain] + [("random", s) for s in randomly]
