"""Shared fixtures: small data written here, and helpers for the real corpora."""

from __future__ import annotations

import pytest

from stance.corpora.mirror import mirror_root

from tests_support import CLAIMS  # noqa: E402  (small data written for the tests)


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
