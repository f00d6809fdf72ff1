"""The transformer model offline: packaged weights, a tiny fine-tuning run, round trip, errors."""

import numpy as np
import pytest

from stance.errors import StanceError
from stance.labels import LABELS
from stance.models import load_model, model_class
from stance.models.encoders import resolve_encoder
from stance.models.transformer import class_weights
from tests_support import CLAIMS

TEXTS = [t for t, _ in CLAIMS] * 3
LABEL_NAMES = [l for _, l in CLAIMS] * 3
CONTEXTS = ["Earlier, officials met in Moscow."] * len(TEXTS)


@pytest.fixture(scope="module")
def tiny_transformer():
    cls = model_class("transformer")
    params = cls.params_from_dict({"epochs": 1, "batch_size": 16, "max_length": 48, "eval_batch_size": 8})
    model = cls(params, seed=3)
    return model.fit(TEXTS, LABEL_NAMES, CONTEXTS, dev=(TEXTS[:12], LABEL_NAMES[:12], CONTEXTS[:12]))


def test_packaged_encoder_resolves_to_a_local_directory(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from pathlib import Path

    directory = Path(resolve_encoder("packaged:all-MiniLM-L6-v2"))
    assert (directory / "config.json").is_file() and (directory / "model.safetensors").is_file()


def test_tiny_fine_tuning_run_records_history_and_predicts(tiny_transformer):
    assert any("dev_macro_f1" in h for h in tiny_transformer.history)
    assert any("train_loss" in h for h in tiny_transformer.history)
    probabilities = tiny_transformer.predict_proba(TEXTS[:5], CONTEXTS[:5])
    assert probabilities.shape == (5, len(LABELS))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_save_load_round_trip_gives_identical_probabilities(tiny_transformer, tmp_path):
    tiny_transformer.save(tmp_path / "t")
    assert (tmp_path / "t" / "encoder" / "model.safetensors").is_file()
    loaded = load_model(tmp_path / "t")
    np.testing.assert_array_equal(loaded.predict_proba(TEXTS, CONTEXTS), tiny_transformer.predict_proba(TEXTS, CONTEXTS))


def test_batch_order_does_not_change_predictions(tiny_transformer):
    forward = tiny_transformer.predict_proba(TEXTS, CONTEXTS)
    backward = tiny_transformer.predict_proba(TEXTS[::-1], CONTEXTS[::-1])[::-1]
    np.testing.assert_allclose(forward, backward, atol=1e-5)


def test_unknown_hub_encoder_fails_with_instructions(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    cls = model_class("transformer")
    model = cls(cls.params_from_dict({"encoder": "no-such-org/no-such-model", "epochs": 1}))
    with pytest.raises(StanceError, match="huggingface-cli download no-such-org/no-such-model"):
        model.fit(TEXTS, LABEL_NAMES)


def test_local_directory_that_is_not_a_model(tmp_path):
    cls = model_class("transformer")
    model = cls(cls.params_from_dict({"encoder": str(tmp_path), "epochs": 1}))
    with pytest.raises(StanceError, match="local directory but not a Hugging Face model"):
        model.fit(TEXTS, LABEL_NAMES)


def test_unknown_packaged_encoder():
    with pytest.raises(StanceError, match="unknown packaged encoder 'bert-huge'"):
        resolve_encoder("packaged:bert-huge")


def test_class_weights():
    np.testing.assert_allclose(class_weights([0, 0, 0, 1], 3, "balanced"), [4 / 9, 4 / 3, 1.0])
    np.testing.assert_allclose(class_weights([0, 0, 0, 1], 3, "sqrt"), np.sqrt([4 / 9, 4 / 3, 1.0]))
    np.testing.assert_allclose(class_weights([0, 1], 3, "none"), [1, 1, 1])
    with pytest.raises(StanceError, match="class_weighting"):
        class_weights([0], 3, "focal")


def test_same_seed_same_model():
    cls = model_class("transformer")
    params = cls.params_from_dict({"epochs": 1, "batch_size": 16, "max_length": 32, "use_context": False})
    first = cls(params, seed=11).fit(TEXTS, LABEL_NAMES).predict_proba(TEXTS)
    second = cls(params, seed=11).fit(TEXTS, LABEL_NAMES).predict_proba(TEXTS)
    np.testing.assert_array_equal(first, second)


def test_inference_variants_agree_with_pytorch(tiny_transformer):
    """int8 PyTorch and (when installed) ONNX Runtime fp32/int8 give the same labels on these claims."""
    texts = ["The Pentagon strongly denied the accusations.", "Russia accused the US of lying.", "Rain is expected."]
    reference = tiny_transformer.predict_proba(texts)
    variants = tiny_transformer.inference_variants()
    assert variants["fp32"] is tiny_transformer and tiny_transformer.inference_path == "fp32"
    assert variants["int8"].inference_path == "int8"
    assert variants["int8-partial"].inference_path == "int8-partial"
    for name, variant in variants.items():
        probabilities = variant.predict_proba(texts)
        tolerance = 1e-4 if name in ("fp32", "onnx") else 0.05  # fp32 ONNX reproduces PyTorch; int8 approximates it
        assert abs(probabilities - reference).max() < tolerance, name


def test_inference_cost_counts_encoder_flops(tiny_transformer):
    cost = tiny_transformer.inference_cost(["The Pentagon strongly denied the accusations."])
    assert cost["tokens_per_claim"] > 5 and 0.01 < cost["gflop_per_claim"] < 1.0
    config = tiny_transformer.network.config
    h, ffn, layers = config.hidden_size, config.intermediate_size, config.num_hidden_layers
    assert cost["projections"] == [(h, h, 4 * layers), (h, ffn, layers), (ffn, h, layers)]
    assert cost["batch_tokens"] == round(tiny_transformer.params.eval_batch_size * cost["tokens_per_claim"])


def _dev_set():
    from stance.dataset import EvalSet

    n = len(TEXTS)
    return EvalSet("dev", "gold", [str(i) for i in range(n)], TEXTS, CONTEXTS, LABEL_NAMES, ["a"] * n, ["polnear"] * n)


@pytest.mark.parametrize("bound, expected", [(1.0, "int8"), (-1.0, "fp32")])
def test_int8_becomes_the_default_path_only_within_the_dev_bound(tiny_transformer, monkeypatch, bound, expected):
    from stance.experiment import run

    monkeypatch.setattr(run, "MAX_FAST_PATH_DEV_LOSS", bound)
    dev = _dev_set()
    chosen, scores, probabilities = run.choose_inference_path(tiny_transformer, dev)
    assert chosen.inference_path == expected
    # fp32 is the reference; the slower int8 paths are tried only when int8 misses the bound
    offered = [name for name in run.FAST_PATHS if name in tiny_transformer.inference_variants()]
    assert set(scores) == {"dev_macro_f1_fp32"} | {f"dev_macro_f1_{name}" for name in
                                                   (offered if expected == "fp32" else offered[:1])}
    # the chosen path's own dev probabilities, handed on to calibration instead of recomputed
    np.testing.assert_allclose(probabilities, chosen.predict_proba(dev.texts, dev.contexts), atol=1e-6)


def test_saved_int8_path_survives_loading_and_can_be_overridden(tiny_transformer, tmp_path):
    from stance import load

    tiny_transformer.inference_variants()["int8"].save(tmp_path / "t")
    assert load(tmp_path / "t").model.inference_path == "int8"
    assert load(tmp_path / "t", "fp32").model.inference_path == "fp32"
    with pytest.raises(StanceError, match="no inference path 'fp16'"):
        load(tmp_path / "t", "fp16")


def test_context_style_speaker_changes_the_second_segment_only(tiny_transformer):
    import dataclasses

    claims = ["The claims are absolutely false, Pentagon spokesman Robert Manning said."]
    contexts = ["Russia accused the US of pretending. It said strikes fell by 90 percent."]
    speaker = model_class("transformer")(dataclasses.replace(tiny_transformer.params, context_style="speaker"))
    speaker.tokenizer = tiny_transformer.tokenizer
    encoded = speaker._encode(claims, contexts)["input_ids"][0]
    text = tiny_transformer.tokenizer.decode(encoded, skip_special_tokens=True)
    assert "manning" in text and "speaker" in text and "russia" not in text
    wrong = model_class("transformer")(dataclasses.replace(tiny_transformer.params, context_style="quotes"))
    with pytest.raises(StanceError, match="context_style: 'quotes' is not one of claims, speaker"):
        wrong._second_segment(claims, contexts)


def test_int8_partial_keeps_the_feed_forward_output_in_fp32(tiny_transformer):
    from stance.models.quantization import Int8Linear

    def quantized(name):
        network = tiny_transformer.inference_variants()[name]._inference_network()
        return {n for n, m in network.named_modules() if isinstance(m, Int8Linear)}

    everything, partial = quantized("int8"), quantized("int8-partial")
    down_projections = {n for n in everything if n.endswith("output.dense") and "attention" not in n}
    assert down_projections and partial == everything - down_projections


def _calibrated_copy(model, tmp_path):
    """A copy of ``model`` with int8 activation ranges (the module's fixture stays without)."""
    model.save(tmp_path / "copy")
    copy = load_model(tmp_path / "copy")
    copy.calibrate_int8(TEXTS, CONTEXTS)
    return copy


def test_int8_outlier_is_offered_only_with_recorded_ranges(tiny_transformer, tmp_path):
    assert "int8-outlier" not in tiny_transformer.inference_variants()
    calibrated = _calibrated_copy(tiny_transformer, tmp_path)
    outlier = calibrated.inference_variants()["int8-outlier"]
    assert outlier.inference_path == "int8-outlier"
    texts = ["The Pentagon strongly denied the accusations.", "Russia accused the US of lying."]
    assert abs(outlier.predict_proba(texts) - calibrated.predict_proba(texts)).max() < 0.05
    outlier.save(tmp_path / "outlier")  # the ranges travel with the model
    np.testing.assert_array_equal(load_model(tmp_path / "outlier").predict_proba(texts), outlier.predict_proba(texts))
    import dataclasses

    from stance.models.transformer import INFERENCE_PATHS

    unranged = model_class("transformer")(dataclasses.replace(tiny_transformer.params, **INFERENCE_PATHS["int8-outlier"]))
    unranged.network, unranged.tokenizer = tiny_transformer.network, tiny_transformer.tokenizer
    with pytest.raises(StanceError, match="int8-outlier path needs activation ranges"):
        unranged.predict_proba(texts)


def test_splitting_outlier_channels_alone_keeps_the_function(tiny_transformer, tmp_path):
    """Computing some input channels apart is exact up to float rounding: what int8-outlier
    changes is only what the int8 step sees."""
    import torch

    from stance.models.quantization import ffn_output_layers, split_outlier_channels

    calibrated = _calibrated_copy(tiny_transformer, tmp_path)
    assert set(calibrated.activation_ranges) == set(ffn_output_layers(calibrated.network))
    # every channel an outlier, then (ranges relative to each layer's median) about half of them; the
    # default threshold makes none in this tiny network
    split = split_outlier_channels(calibrated.network, calibrated.activation_ranges, threshold=0.0)
    relative = {name: r / np.median(r) for name, r in calibrated.activation_ranges.items()}
    split_half = split_outlier_channels(calibrated.network, relative, threshold=1.0)
    batch = calibrated.tokenizer(TEXTS[:4], padding=True, return_tensors="pt")
    with torch.inference_mode():
        expected = calibrated.network(**batch).logits
        torch.testing.assert_close(split(**batch).logits, expected, atol=1e-4, rtol=1e-4)
        torch.testing.assert_close(split_half(**batch).logits, expected, atol=1e-4, rtol=1e-4)
    first = next(iter(ffn_output_layers(split_half).values()))
    assert 0 < int((first.weight == 0).all(dim=0).sum()) < first.in_features  # the outlier columns left the int8 part


def test_a_saved_model_with_the_retired_smoothing_param_still_loads(tiny_transformer, tmp_path):
    import json

    tiny_transformer.save(tmp_path / "old")
    meta_path = tmp_path / "old" / "stance_model.json"
    meta = json.loads(meta_path.read_text())
    meta["params"]["int8_smoothing"] = False
    meta_path.write_text(json.dumps(meta))
    assert load_model(tmp_path / "old").inference_path == tiny_transformer.inference_path
    meta["params"]["int8_smoothing"] = True
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(StanceError, match="int8_smoothing belongs to an inference path"):
        load_model(tmp_path / "old")


@pytest.mark.parametrize("path", ["fp32", "int8", "int8-partial", "int8-outlier"])
def test_prediction_of_a_claim_does_not_depend_on_its_batch(tiny_transformer, tmp_path, path):
    # int8 scales are per token, so the other claims of a batch (and its padding) cannot move a claim's
    # result; only fp32 rounding differs between batch shapes, which int8 rounding may amplify a little
    texts = list(dict.fromkeys(TEXTS))
    model = _calibrated_copy(tiny_transformer, tmp_path).inference_variants()[path]
    together = model.predict_proba(texts)
    alone = np.concatenate([model.predict_proba([text]) for text in texts])
    assert np.abs(together - alone).max() < (1e-5 if path == "fp32" else 1e-3)
    assert (together.argmax(axis=1) == alone.argmax(axis=1)).all()
