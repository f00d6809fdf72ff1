"""Shared fixtures: small data written here, and helpers for the real corpora."""

from __future__ import annotations

import pytest

from stance.corpora.mirror import mirror_root

CLAIMS = [
    ("Russia accused the United States of pretending to fight the militants.", "ACCUSATION"),
    ("The opposition blamed the mayor for the collapse of the bridge.", "ACCUSATION"),
    ("Prosecutors charged the senator with bribery and fraud.", "ACCUSATION"),
    ("Critics say the company lied to regulators about emissions.", "ACCUSATION"),
    ("The Pentagon strongly denied the accusations.", "DENIAL"),
    ("The ministry dismissed the report as baseless.", "DENIAL"),
    ("A spokesman said the claims were completely false.", "DENIAL"),
    ("His lawyer insisted he did nothing wrong.", "DENIAL"),
    ("The council will meet on Tuesday to discuss the budget.", "NEUTRAL_REPORT"),
    ("Temperatures are expected to rise later this week.", "NEUTRAL_REPORT"),
    ("The senator was denied entry to the building.", "NEUTRAL_REPORT"),
    ("The committee rejected the proposal by a vote of 7 to 2.", "NEUTRAL_REPORT"),
]


@pytest.fixture
def tiny_claims() -> tuple[list[str], list[str]]:
    texts = [t for t, _ in CLAIMS] * 3
    labels = [l for _, l in CLAIMS] * 3
    return texts, labels


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    """A TF-IDF model trained on CLAIMS, saved once per test session."""
    from stance.models import model_class

    texts, labels = [t for t, _ in CLAIMS] * 3, [l for _, l in CLAIMS] * 3
    return model_class("tfidf-logreg")(seed=1).fit(texts, labels).save(tmp_path_factory.mktemp("m") / "model")


def corpora_available() -> bool:
    try:
        root = mirror_root()
    except Exception:
        return False
    return root is not None and (root / "polnear").is_dir() and (root / "fnc1").is_dir()


needs_corpora = pytest.mark.skipif(not corpora_available(), reason="corpora mirror (../shared/data) not available")
