"""Integration tests on the real corpora (skipped when the mirror is absent)."""

from collections import Counter

import pytest

from conftest import needs_corpora
from stance.labelling.store import GOLD_DIR, load_gold, read_directory
from stance.corpora import DEFAULT_CORPORA, read_corpus
from stance.corpora.mirror import SOURCES, verify
from stance.claims.segment import segment
from stance.evaluation.segmentation import measure

pytestmark = needs_corpora


@pytest.fixture(scope="module")
def articles():
    return {a.id: a for name in DEFAULT_CORPORA for a in read_corpus(name)}


def test_corpus_files_match_the_pinned_checksums():
    for source in SOURCES.values():
        assert verify(source) == [], source.name


def test_split_sizes_and_no_article_in_two_splits(articles):
    by_corpus = Counter((a.corpus, a.split) for a in articles.values())
    assert by_corpus[("polnear", "train")] == 840
    assert by_corpus[("polnear", "dev")] == 84 and by_corpus[("polnear", "test")] == 84
    assert by_corpus[("fnc1", "test")] == 904
    assert by_corpus[("fnc1", "train")] + by_corpus[("fnc1", "dev")] == 1683
    # world news: NewsDiscourse keeps its upstream split minus the 2 stories found in two splits
    assert by_corpus[("newsdiscourse", "test")] == 136 and by_corpus[("newsdiscourse", "dev")] == 64
    assert by_corpus[("newsdiscourse", "train")] == 398
    assert sum(n for (corpus, _), n in by_corpus.items() if corpus == "wikinews") == 295
    assert len(articles) == sum(by_corpus.values())  # ids are unique, so each article has one split


def test_no_world_news_text_is_in_two_splits(articles):
    seen: dict[str, str] = {}
    for article in articles.values():
        if article.corpus in ("newsdiscourse", "wikinews"):
            assert seen.setdefault(article.text, article.split) == article.split, article.id


def test_world_articles_keep_their_attribution_metadata(articles):
    world = [a for a in articles.values() if a.corpus in ("newsdiscourse", "wikinews")]
    assert all(a.meta["url"].startswith(("http://", "https://")) for a in world)
    assert all(a.meta["licence"] == "CC BY 2.5" for a in world if a.corpus == "wikinews")


def test_attributions_parse_with_valid_spans(articles):
    polnear = [a for a in articles.values() if a.corpus == "polnear"]
    total = sum(len(a.attributions) for a in polnear)
    assert total > 23_000
    for article in polnear[:200]:
        for attribution in article.attributions:
            for start, end in attribution.content:
                assert 0 <= start <= end <= len(article.text)


def test_segmentation_agreement_does_not_regress(articles):
    dev = [a for a in articles.values() if a.corpus == "polnear" and a.split == "dev"]
    assert measure(dev).contained_rate >= 0.95


def test_every_gold_label_matches_its_text_and_a_current_claim(articles):
    gold = load_gold({i: a.text for i, a in articles.items()})  # raises on any hash mismatch
    assert len(gold) == len(read_directory(GOLD_DIR))
    by_article = {}
    for article_id, start, end in gold:
        by_article.setdefault(article_id, set()).add((start, end))
    for article_id, spans in by_article.items():
        claims = {(c.start, c.end) for c in segment(articles[article_id].text)}
        assert spans <= claims, f"{article_id}: gold spans the segmenter no longer produces"


def test_gold_split_matches_the_article_split(articles):
    for label in read_directory(GOLD_DIR):
        expected = label.batch.split("-")[0]
        assert articles[label.article_id].split == expected, label


def test_gold_test_set_reaches_the_minimum_counts():
    counts = Counter(l.label for l in read_directory(GOLD_DIR) if l.batch.startswith("test"))
    assert counts["ACCUSATION"] >= 200 and counts["DENIAL"] >= 120
