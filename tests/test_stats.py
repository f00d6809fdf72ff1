import numpy as np
import pytest

from stance.evaluation import stats
from stance.models import calibration


def test_article_bootstrap_keeps_articles_whole():
    groups = ["a", "a", "a", "b", "c", "c"]
    for index in stats.article_resamples(groups, 50, seed=1):
        drawn = [groups[i] for i in index]
        for article in set(drawn):
            assert drawn.count(article) % groups.count(article) == 0


def test_interval_contains_the_point_estimate_and_is_reproducible():
    rng = np.random.default_rng(0)
    gold = rng.integers(0, 3, 300)
    predicted = np.where(rng.random(300) < 0.7, gold, rng.integers(0, 3, 300))
    groups = [str(i // 5) for i in range(300)]
    first = stats.bootstrap_interval(stats.macro_f1, gold, predicted, stats.article_resamples(groups, 200, 3))
    second = stats.bootstrap_interval(stats.macro_f1, gold, predicted, stats.article_resamples(groups, 200, 3))
    assert first == second and first.low <= first.value <= first.high


def test_mcnemar_exact_counts_and_p_value():
    gold = np.array([0] * 12)
    a = np.array([0] * 10 + [1, 1])          # right on 10
    b = np.array([1] * 10 + [0, 0])          # right on 2 (the two a gets wrong)
    only_a, only_b, p = stats.mcnemar_exact(gold, a, b)
    assert (only_a, only_b) == (10, 2)
    assert p == pytest.approx(2 * sum(__import__("math").comb(12, i) for i in range(3)) / 2**12)
    assert stats.mcnemar_exact(gold, a, a)[2] == 1.0


def test_paired_bootstrap_sign():
    gold = np.array([0, 1, 2] * 20)
    good, bad = gold.copy(), np.zeros_like(gold)
    groups = [str(i // 3) for i in range(60)]
    difference, p = stats.paired_bootstrap(stats.macro_f1, gold, good, bad, stats.article_resamples(groups, 100, 0))
    assert difference.low > 0 and p == 0.0


def test_ece_is_zero_for_perfectly_calibrated_confident_predictions():
    probabilities = np.eye(3)[[0, 1, 2, 0]]
    assert stats.expected_calibration_error(probabilities, np.array([0, 1, 2, 0])) == 0.0
    overconfident = np.array([[0.99, 0.005, 0.005]] * 4)
    assert stats.expected_calibration_error(overconfident, np.array([0, 1, 1, 1])) == pytest.approx(0.99 - 0.25)


def test_temperature_scaling_softens_overconfidence():
    rng = np.random.default_rng(1)
    gold = rng.integers(0, 3, 400)
    predicted = np.where(rng.random(400) < 0.6, gold, (gold + 1) % 3)
    probabilities = np.full((400, 3), 0.005)
    probabilities[np.arange(400), predicted] = 0.99
    temperature = calibration.fit_temperature(probabilities, gold)
    assert temperature > 1
    scaled = calibration.apply_temperature(probabilities, temperature)
    np.testing.assert_allclose(scaled.sum(axis=1), 1.0)
    assert stats.expected_calibration_error(scaled, gold) < stats.expected_calibration_error(probabilities, gold)
