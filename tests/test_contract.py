"""The model contract, checked for every registered model type (like scikit-learn's
``check_estimator``): fit / predict / predict_proba / save / load behave the same way."""

import numpy as np
import pytest

from stance.errors import StanceError
from stance.labels import LABELS
from stance.models import MODEL_TYPES, load_model, model_class

# the smallest settings that still train: the contract, not the quality, is under test
PARAMS = {"transformer": {"epochs": 1, "max_length": 32, "batch_size": 8, "eval_batch_size": 16},
          "ensemble": {"members": [{"type": "tfidf-logreg"}, {"type": "tfidf-logreg", "params": {"C": 1.0}},
                                   {"type": "lexicon"}]}}


@pytest.fixture(scope="module", params=sorted(MODEL_TYPES))
def fitted(request, tiny_claims_module):
    name = request.param
    cls = model_class(name)
    texts, labels = tiny_claims_module
    model = cls(cls.params_from_dict(PARAMS.get(name, {})), seed=3).fit(texts, labels, dev=(texts, labels, None))
    return name, model, texts, labels


@pytest.fixture(scope="module")
def tiny_claims_module():
    from tests_support import CLAIMS

    return [t for t, _ in CLAIMS] * 3, [l for _, l in CLAIMS] * 3


def test_probabilities_are_distributions_in_label_order(fitted):
    _, model, texts, _ = fitted
    probabilities = model.predict_proba(texts)
    assert model.labels == LABELS
    assert probabilities.shape == (len(texts), len(LABELS))
    assert np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-5) and (probabilities >= 0).all()
    assert model.predict(texts) == [LABELS[i] for i in probabilities.argmax(axis=1)]


def test_save_load_round_trip_keeps_probabilities_and_calibration(fitted, tmp_path):
    name, model, texts, labels = fitted
    model.calibrate(texts, labels)
    assert model.temperature > 0 and set(model.thresholds) == {"0.8", "0.9", "0.95"}
    loaded = load_model(model.save(tmp_path / name))
    assert type(loaded) is type(model) and loaded.temperature == model.temperature
    np.testing.assert_allclose(loaded.predict_proba(texts), model.predict_proba(texts), atol=1e-6)
    assert loaded.predict(texts, min_precision=0.9) == model.predict(texts, min_precision=0.9)


def test_precision_thresholds_only_remove_stance_labels(fitted):
    _, model, texts, labels = fitted
    model.calibrate(texts, labels)
    plain, careful = model.predict(texts), model.predict(texts, min_precision=0.95)
    for a, b in zip(plain, careful):
        assert b == a or b == "NEUTRAL_REPORT"
    with pytest.raises(StanceError, match="no decision thresholds for precision 0.5"):
        model.predict(texts, min_precision=0.5)


@pytest.mark.parametrize("name", sorted(n for n in MODEL_TYPES if model_class(n).fitted_attribute))
def test_unfitted_model_gives_a_clear_error(name, tmp_path):
    model = model_class(name)(seed=1)
    with pytest.raises(StanceError, match="not trained or loaded"):
        model.predict_proba(["The ministry denied the report."])
    with pytest.raises(StanceError):
        model.save(tmp_path / name)
