"""Reuse a model that a run already fitted instead of fitting it again.

An ensemble whose members were also run on their own (``minilm-gold`` + ``mpnet-gold``)
would otherwise train every member twice: an hour more for MPNet on a CPU. Each run saves,
beside its model, a *fit key*: a digest of everything the fit depends on that a config
states (model type, hyperparameters, seed, label set, context size) and of the data (the
training claims with their labels and contexts, and the dev claims used for model
selection). A config, or an ensemble member, with the same key is loaded from that
directory instead of fitted (``stance train --refit`` fits anyway). The key does not cover
the training code: reuse assumes the checkout that fitted it.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import fields
from pathlib import Path
from typing import Sequence

from stance.models import StanceModel
from stance.models.base import FIT_KEY_FILE


def fit_key(model: StanceModel, texts: Sequence[str], labels: Sequence[str], contexts: Sequence[str] | None,
            dev: tuple | None) -> str:
    """The digest of an unfitted ``model`` and the data ``fit`` would see."""
    # params marked fit_key=False select an inference path only (added after models were keyed)
    params = {f.name: getattr(model.params, f.name) for f in fields(model.params) if f.metadata.get("fit_key", True)}
    spec = {"type": model.type_name, "params": params, "seed": model.seed,
            "labels": list(model.labels), "context_claims": model.context_claims}
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode())
    for column in (texts, labels, contexts, *(dev or ())):
        digest.update(json.dumps(list(column or ())).encode())
    return digest.hexdigest()


class FittedModels:
    """Finds saved models by fit key under ``models_dir``; remembers what it reused."""

    def __init__(self, models_dir: Path, enabled: bool = True):
        self.models_dir = models_dir
        self.enabled = enabled  # False: only put keys on models (stance train --refit)
        self.reused: list[str] = []

    def __call__(self, model: StanceModel, texts, labels, contexts, dev) -> StanceModel | None:
        """A fitted copy of ``model`` saved earlier, or None; either way the key goes on ``model``
        (and the copy), so saving it records the key (ensemble members too: ``members/<i>``)."""
        key = model.fit_key = fit_key(model, texts, labels, contexts, dev)
        if not self.enabled:
            return None
        for path in sorted(self.models_dir.glob(f"**/{FIT_KEY_FILE}")):
            where = path.parent.relative_to(self.models_dir)
            if any((self.models_dir / p).is_symlink() for p in (where, *where.parents)):
                continue  # models/best: another name for a directory listed anyway
            if path.read_text().strip() == key:
                found = StanceModel.load(path.parent)
                print(f"  reusing {path.parent} (fitted on the same config, seed and data)", file=sys.stderr)
                self.reused.append(str(where))
                # the raw fp32 network, uncalibrated: the run chooses the path and calibrates again (an
                # ensemble calibrates the average of its members' raw probabilities)
                raw = found.inference_variants().get("fp32", found)
                raw.temperature, raw.thresholds, raw.fit_key = 1.0, {}, key
                return raw
        return None
