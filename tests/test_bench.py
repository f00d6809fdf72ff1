"""The benchmark's arithmetic on tiny shapes (the timings themselves live in `make bench`)."""

import math

from stance.evaluation.bench import gemm_gflops_at


def test_gemm_rate_at_a_models_shapes_is_a_finite_positive_rate():
    rate = gemm_gflops_at(rows=32, projections=[(16, 16, 4), (16, 64, 1), (64, 16, 1), (16, 16, 2)], repeats=2)
    assert math.isfinite(rate) and rate > 0


def test_changed_by_batching_counts_labels_that_differ_when_articles_go_alone():
    from types import SimpleNamespace

    from stance.evaluation.bench import changed_by_batching

    class OneArticleAtATime:  # labels a claim by its article alone: "B" for claims of the article "x y"
        def predict_article(self, text):
            return [SimpleNamespace(label="B" if text == "x y" else "A") for _ in text.split()]

    texts = ["a b", "x y", "c"]
    assert changed_by_batching(OneArticleAtATime(), texts, ["A", "A", "B", "B", "A"]) == 0
    assert changed_by_batching(OneArticleAtATime(), texts, ["A", "A", "A", "B", "B"]) == 2
