"""Weak (silver) labels from named labelling functions.

Each labelling function (LF) reads one claim and votes for a label or abstains.
They encode reporting-verb cues with negation, passive voice and false-friend
handling; none of them is ever used to decide a gold label (gold labels are read
by people, see docs/annotation-guidelines.md). Labels they produce carry the
provenance ``weak`` everywhere.

Combination (documented, deliberately simple): false-friend phrases ("denied
entry", "rejected a proposal", "in charge of") are masked first; then any DENIAL
vote wins, else any ACCUSATION vote, else NEUTRAL_REPORT. DENIAL wins because the
guidelines give a claim that denies and counter-accuses the DENIAL label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from stance.labels import NEUTRAL

_NEGATION_BEFORE = re.compile(r"(?:\bnot|n't|\bnever|\bno one|\bnobody|\bneither|\bnor)\W+(?:\w+\W+){0,2}$", re.IGNORECASE)

FALSE_FRIENDS = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)\s+(?:\w+\s+){0,2}(?:entry|access|admission|bail|permission|permits?|visas?|"
    r"requests?|applications?|benefits?|service|coverage|credit|loans?|votes?|the chance|a chance|safe havens?|"
    r"them|him|her|us|it)\b"
    r"|reject(?:s|ed|ing)?\s+(?:\w+\s+){0,3}(?:proposals?|offers?|bills?|plans?|deals?|nominees?|nominations?|"
    r"amendments?|applications?|requests?|appeals?|bids?|measures?|candidates?|the idea)"
    r"|dismiss(?:es|ed|ing)?\s+(?:\w+\s+){0,2}(?:cases?|lawsuits?|suits?|employees?|staff|workers?|class)"
    r"|in charge|charge of|free of charge|charg(?:e|es|ed|ing)\s+(?:\w+\s+){0,2}(?:fees?|batter(?:y|ies)|phones?|"
    r"prices?|customers?|\$)|self-denial|blame game)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class LabellingFunction:
    """Votes ``label`` when ``pattern`` matches the (false-friend-masked) claim text.

    With ``negatable``, a match preceded by a negation within three words ("did not
    accuse", "never denied") does not count.
    """

    name: str
    label: str
    pattern: re.Pattern[str]
    description: str
    negatable: bool = False

    def __call__(self, masked_text: str) -> str | None:
        for match in self.pattern.finditer(masked_text):
            if self.negatable and _NEGATION_BEFORE.search(masked_text[: match.start()]):
                continue
            return self.label
        return None


LABELLING_FUNCTIONS: tuple[LabellingFunction, ...] = (
    LabellingFunction(
        "deny_verb", "DENIAL",
        re.compile(r"\bden(?:y|ies|ied|ying|ial|ials)\b", re.IGNORECASE),
        "deny / denied / denial, unless negated (false friends masked)",
        negatable=True,
    ),
    LabellingFunction(
        "dismiss_as_false", "DENIAL",
        re.compile(
            r"\b(?:reject|dismiss|refut|rebut|disput|debunk|contest|deni)\w*\s+(?:\w+\s+){0,4}"
            r"(?:claims?|allegations?|accusations?|charges?|reports?|suggestions?|assertions?|rumou?rs?|stor(?:y|ies))"
            r"|\b(?:as|was|is|are|were|be)\s+[\"“‘']?(?:\w+\s+){0,2}(?:false|untrue|baseless|unfounded|groundless|fake|fabricated|"
            r"nonsense|ridiculous|absurd|a lie|lies|a hoax|a fabrication|without merit|made up|not true|inaccurate)\b",
            re.IGNORECASE,
        ),
        "rejects/dismisses a claim, or calls something false/baseless/a hoax",
    ),
    LabellingFunction(
        "innocence", "DENIAL",
        re.compile(
            r"\b(?:pleaded|pleads|plead)\s+not\s+guilty|\bdid(?:\s+nothing|n't do anything|\s+not do anything)\s+wrong"
            r"|\binsist\w*\s+(?:\w+\s+){0,3}innocen\w*|\bno evidence\b|\bnever\s+(?:said|did|happened|took place|met)\b",
            re.IGNORECASE,
        ),
        "pleads not guilty, insists on innocence, 'no evidence', 'never said/did'",
    ),
    LabellingFunction(
        "accuse_verb", "ACCUSATION",
        re.compile(r"\b(?:accus\w*|alleg\w*|blam\w*)\b", re.IGNORECASE),
        "accuse / allege / blame, active or passive, unless negated",
        negatable=True,
    ),
    LabellingFunction(
        "legal_action", "ACCUSATION",
        re.compile(
            r"\b(?:charged with|indicted|convicted|arrested|sued|prosecuted|impeach\w*|under investigation|"
            r"investigat\w+\s+(?:\w+\s+){0,3}for|faces? charges|pleaded guilty|found guilty|fined for)\b",
            re.IGNORECASE,
        ),
        "charged with, indicted, convicted, arrested, sued, investigated for",
    ),
    LabellingFunction(
        "wrongdoing_term", "ACCUSATION",
        re.compile(
            r"\b(?:lied|lies to|liar|lying|fraud\w*|corrupt\w*|crooked|cover-?up|illegal\w*|criminal\w*|crimes?|rigged|"
            r"rigging|cheat\w*|abus\w*|bribe\w*|collu\w*|embezzl\w*|misconduct|scam\w*|deceiv\w*|decept\w*|misled|"
            r"mislead\w*|war crimes?|atrocit\w*|massacre\w*|terroris[mt]\b)",
            re.IGNORECASE,
        ),
        "vocabulary of wrongdoing: lied, fraud, corrupt, cover-up, illegal, rigged, abuse, bribery",
    ),
)


def mask_false_friends(text: str) -> str:
    return FALSE_FRIENDS.sub(lambda m: " " * len(m.group()), text)


def votes(text: str, functions: Iterable[LabellingFunction] = LABELLING_FUNCTIONS) -> dict[str, str | None]:
    """Each labelling function's vote (None = abstain) on one claim."""
    masked = mask_false_friends(text)
    return {lf.name: lf(masked) for lf in functions}


def combine(claim_votes: dict[str, str | None]) -> str:
    cast = set(claim_votes.values())
    if "DENIAL" in cast:
        return "DENIAL"
    if "ACCUSATION" in cast:
        return "ACCUSATION"
    return NEUTRAL


def weak_label(text: str) -> str:
    return combine(votes(text))
