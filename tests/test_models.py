import json

import numpy as np
import pytest

from stance.errors import StanceError
from stance.labels import LABELS
from stance.models import load_model, model_class

BASELINES = ["majority", "lexicon", "tfidf-logreg", "tfidf-linearsvc"]


@pytest.mark.parametrize("name", BASELINES)
def test_save_load_round_trip_gives_identical_probabilities(tmp_path, tiny_claims, name):
    texts, labels = tiny_claims
    cls = model_class(name)
    model = cls(cls.params_from_dict({}), seed=5).fit(texts, labels)
    probabilities = model.predict_proba(texts)
    assert probabilities.shape == (len(texts), len(LABELS))
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    model.save(tmp_path / name)
    loaded = load_model(tmp_path / name)
    assert loaded.labels == LABELS and type(loaded) is cls
    np.testing.assert_array_equal(loaded.predict_proba(texts), probabilities)
    assert loaded.predict(texts) == model.predict(texts)


def test_tfidf_learns_the_tiny_training_set(tiny_claims):
    texts, labels = tiny_claims
    model = model_class("tfidf-logreg")(seed=1).fit(texts, labels)
    accuracy = np.mean([p == g for p, g in zip(model.predict(texts), labels)])
    assert accuracy > 0.9


def test_probability_columns_follow_label_order_even_if_a_class_is_missing():
    model = model_class("tfidf-logreg")(seed=1).fit(["a denial here", "plain news", "more news"] * 4,
                                                  ["DENIAL", "NEUTRAL_REPORT", "NEUTRAL_REPORT"] * 4)
    probabilities = model.predict_proba(["a denial here"])
    assert probabilities[0, LABELS.index("ACCUSATION")] == 0.0
    assert model.predict(["a denial here"]) == ["DENIAL"]


def test_empty_input_predicts_nothing(tiny_claims):
    model = model_class("majority")().fit(*tiny_claims)
    assert model.predict([]) == []
    assert model.predict_proba([]).shape == (0, len(LABELS))


def test_same_seed_same_probabilities(tiny_claims):
    a = model_class("tfidf-linearsvc")(seed=3).fit(*tiny_claims).predict_proba(tiny_claims[0])
    b = model_class("tfidf-linearsvc")(seed=3).fit(*tiny_claims).predict_proba(tiny_claims[0])
    np.testing.assert_array_equal(a, b)


def test_missing_directory_and_meta_are_clear_errors(tmp_path):
    with pytest.raises(StanceError, match="no such model directory"):
        load_model(tmp_path / "absent")
    (tmp_path / "empty").mkdir()
    with pytest.raises(StanceError, match="not a saved stance model"):
        load_model(tmp_path / "empty")


def test_corrupted_files_are_clear_errors(tmp_path, tiny_claims):
    model = model_class("tfidf-logreg")().fit(*tiny_claims)
    directory = model.save(tmp_path / "m")
    (directory / "pipeline.skops").write_bytes(b"not a zip file")
    with pytest.raises(StanceError, match="corrupted model file"):
        load_model(directory)
    (directory / "stance_model.json").write_text("{broken")
    with pytest.raises(StanceError, match="corrupted"):
        load_model(directory)


def test_unknown_model_type_in_meta(tmp_path):
    (tmp_path / "stance_model.json").write_text(json.dumps({"type": "gpt9", "labels": list(LABELS), "params": {}}))
    with pytest.raises(StanceError, match="unknown model type 'gpt9'"):
        load_model(tmp_path)
