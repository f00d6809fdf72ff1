"""Reuse a model that a run already fitted instead of fitting it again.

An ensemble whose members were also run on their own (``minilm-gold`` + ``mpnet-gold``)
would otherwise train every member twice: an hour more for MPNet on a CPU. Each run saves,
beside its model, a *fit key*: a digest of everything the fit depends on that a config
states (model type, hyperparameters, seed, label set, context size) and of the data (the
training claims with their labels and contexts, and the dev claims used for model
selection). An ensemble member with the same key is loaded from that directory.
The key does not cover the training code: reuse assumes the checkout that fitted it.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Sequence

from stance.models import StanceModel

FIT_KEY_FILE = "fit_key.txt"


def fit_key(model: StanceModel, texts: Sequence[str], labels: Sequence[str], contexts: Sequence[str] | None,
            dev: tuple | None) -> str:
    """The digest of an unfitted ``model`` and the data ``fit`` would see."""
    spec = {"type": model.type_name, "params": asdict(model.params), "seed": model.seed,
            "labels": list(model.labels), "context_claims": model.context_claims}
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode())
    for column in (texts, labels, contexts, *(dev or ())):
        digest.update(json.dumps(list(column or ())).encode())
    return digest.hexdigest()


def record(model_dir: Path, key: str) -> None:
    (model_dir / FIT_KEY_FILE).write_text(key + "\n")


class FittedModels:
    """Finds saved models by fit key under ``models_dir``; remembers what it reused."""

    def __init__(self, models_dir: Path):
        self.models_dir = models_dir
        self.reused: list[str] = []

    def __call__(self, model: StanceModel, texts, labels, contexts, dev) -> StanceModel | None:
        key = fit_key(model, texts, labels, contexts, dev)
        for path in sorted(self.models_dir.glob(f"*/{FIT_KEY_FILE}")):
            if path.parent.is_symlink():  # models/best: another name for a directory listed anyway
                continue
            if path.read_text().strip() == key:
                found = StanceModel.load(path.parent)
                print(f"  reusing {path.parent} (fitted on the same config, seed and data)", file=sys.stderr)
                self.reused.append(path.parent.name)
                # the raw fp32 network: the ensemble averages raw probabilities and calibrates the average
                raw = found.inference_variants().get("fp32", found)
                raw.temperature, raw.thresholds = 1.0, {}
                return raw
        return None
