"""The one interface every model implements, so experiment, evaluation and prediction
code never branch on model type.

A saved model is a directory: ``stance_model.json`` (type, label names, params) plus
whatever weights the model writes. Nothing in it is unpickled: scikit-learn models
go through skops with an allow-list, transformers through safetensors.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from stance.claims.segment import DEFAULT_CONTEXT_CLAIMS
from stance.coerce import from_dict
from stance.errors import StanceError
from stance.labels import LABELS
from stance.models import calibration

META_FILE = "stance_model.json"
FIT_KEY_FILE = "fit_key.txt"  # the digest of what the fit saw (stance.experiment.reuse), when known
FORMAT_VERSION = 1


class StanceModel(ABC):
    """fit / predict / predict_proba / save / load over claim texts (plus optional context)."""

    type_name: ClassVar[str]
    Params: ClassVar[type]  # a dataclass of hyperparameters
    fitted_attribute: ClassVar[str | None]  # set by fit/load; None: nothing to learn (rule-based)

    def __init__(self, params: Any = None, seed: int = 13, labels: Sequence[str] = LABELS, context_claims: int = DEFAULT_CONTEXT_CLAIMS):
        self.params = params if params is not None else self.Params()
        self.seed = seed
        self.labels = tuple(labels)
        self.context_claims = context_claims  # how many preceding claims form the context at prediction time
        self.epoch_callback = None  # iterative models call it with (epoch, metrics) during fit
        # composite models ask it (model, texts, labels, contexts, dev) for an already fitted copy of a part
        self.fitted_lookup = None
        self.temperature = 1.0  # fitted on dev by calibrate(); 1.0 = the classifier's own probabilities
        self.thresholds: dict[str, dict[str, float]] = {}  # precision target -> label -> threshold
        self.fit_key: str | None = None  # set by whoever computed it; saved as FIT_KEY_FILE

    @classmethod
    def params_from_dict(cls, values: dict[str, Any], where: str = "params") -> Any:
        return from_dict(cls.Params, values, where)

    @abstractmethod
    def fit(self, texts: Sequence[str], labels: Sequence[str], contexts: Sequence[str] | None = None,
            dev: tuple[Sequence[str], Sequence[str], Sequence[str] | None] | None = None) -> StanceModel:
        """Learn from claims and their label names; ``dev`` (texts, labels, contexts) may guide model selection."""

    @abstractmethod
    def _predict_proba(self, texts: Sequence[str], contexts: Sequence[str] | None = None) -> np.ndarray:
        """The classifier's own (uncalibrated) probabilities, columns in ``self.labels`` order."""

    def is_fitted(self) -> bool:
        return self.fitted_attribute is None or getattr(self, self.fitted_attribute, None) is not None

    def _require_fitted(self) -> None:
        if not self.is_fitted():
            raise StanceError(f"the {self.type_name} model is not trained or loaded: call fit() first, "
                              "or load a saved model with stance.load()")

    def predict_proba(self, texts: Sequence[str], contexts: Sequence[str] | None = None) -> np.ndarray:
        """An (n, len(labels)) array of calibrated probabilities, columns in ``self.labels`` order."""
        self._require_fitted()
        return self.calibrated(self._predict_proba(texts, contexts))

    def calibrated(self, raw: np.ndarray) -> np.ndarray:
        """``raw``, the classifier's own probabilities, with the model's fitted temperature applied."""
        if self.temperature == 1.0 or not len(raw):
            return raw
        return calibration.apply_temperature(raw, self.temperature)

    def predict(self, texts: Sequence[str], contexts: Sequence[str] | None = None,
                min_precision: float | None = None) -> list[str]:
        """Labels: the most probable, or with ``min_precision`` only stance labels whose probability
        clears the threshold that reached that precision on dev (see ``stance.models.calibration``)."""
        if len(texts) == 0:
            return []
        return calibration.decide(self.predict_proba(texts, contexts), self.labels, self.thresholds_for(min_precision))

    def thresholds_for(self, min_precision: float | None) -> dict[str, float] | None:
        if min_precision is None:
            return None
        key = f"{min_precision:g}"
        if key not in self.thresholds:
            known = ", ".join(self.thresholds) or "none (the model was saved without calibration)"
            raise StanceError(f"no decision thresholds for precision {key}; this model has: {known}")
        return self.thresholds[key]

    def calibrate(self, texts: Sequence[str], labels: Sequence[str], contexts: Sequence[str] | None = None,
                  raw: np.ndarray | None = None) -> None:
        """Fit the temperature and the precision thresholds on (gold dev) claims; saved with the model.
        ``raw``: the classifier's own probabilities for ``texts`` when the caller already has them."""
        if not len(texts):
            return
        raw = self._predict_proba(texts, contexts) if raw is None else raw
        gold = np.array([self.labels.index(label) for label in labels])
        self.temperature = calibration.fit_temperature(raw, gold)
        self.thresholds = calibration.precision_thresholds(
            calibration.apply_temperature(raw, self.temperature), gold, self.labels)

    def calibrate_int8(self, texts: Sequence[str], contexts: Sequence[str] | None = None) -> None:
        """Record from (training) claims what a data-calibrated int8 path needs; saved with the model.
        A no-op for models without one."""

    # optional capabilities, used by benchmarks (no caller branches on model type) --------
    def inference_variants(self) -> dict[str, StanceModel]:
        """Every inference path of this fitted model by name (``fp32``, ``int8``, ...), the one it uses
        included, all sharing its weights; empty when it has only one."""
        return {}

    @property
    def inference_path(self) -> str | None:
        """The name, among ``inference_variants()``, of the path this model predicts with."""
        return None

    def forward_pass(self, texts: Sequence[str], contexts: Sequence[str] | None = None):
        """A callable running only the network's forward pass over ``texts`` encoded beforehand,
        or None when the model has no separable encoder (benchmarks time it against end to end)."""
        return None

    def inference_cost(self, texts: Sequence[str], contexts: Sequence[str] | None = None) -> dict[str, float] | None:
        """Mean ``tokens_per_claim`` and ``gflop_per_claim`` of the forward pass over ``texts``, or None
        when the model has no meaningful FLOP count (benchmarks derive the machine's ceiling from it);
        optionally ``projections``, the (in, out, count) shapes of its matrix products, and
        ``batch_tokens``, the rows they multiply at once (benchmarks time the GEMMs at those shapes)."""
        return None

    # persistence -------------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        self._require_fitted()
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self._save_weights(directory)
        meta = {"format_version": FORMAT_VERSION, "type": self.type_name, "labels": list(self.labels),
                "params": asdict(self.params), "seed": self.seed, "context_claims": self.context_claims,
                "temperature": self.temperature, "thresholds": self.thresholds}
        (directory / META_FILE).write_text(json.dumps(meta, indent=2))
        if self.fit_key:
            (directory / FIT_KEY_FILE).write_text(self.fit_key + "\n")
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> StanceModel:
        from stance.models import model_class

        directory = Path(directory)
        meta = read_meta(directory)
        model_type = model_class(meta["type"])
        model = model_type(model_type.params_from_dict(meta["params"], f"{directory / META_FILE}: params"),
                           seed=meta.get("seed", 13), labels=meta["labels"],
                           context_claims=meta.get("context_claims", DEFAULT_CONTEXT_CLAIMS))
        model.temperature = float(meta.get("temperature", 1.0))
        model.thresholds = meta.get("thresholds", {})
        key_file = directory / FIT_KEY_FILE
        model.fit_key = key_file.read_text().strip() if key_file.is_file() else None
        model._load_weights(directory)
        return model

    def _share_fitted_state(self, variant: StanceModel) -> StanceModel:
        """``variant`` (another inference path of this model) with this model's calibration and fit key."""
        variant.temperature, variant.thresholds, variant.fit_key = self.temperature, self.thresholds, self.fit_key
        return variant

    @abstractmethod
    def _save_weights(self, directory: Path) -> None: ...

    @abstractmethod
    def _load_weights(self, directory: Path) -> None: ...

    def _columns_for(self, classes: Sequence[str]) -> list[int]:
        """Where each of a classifier's classes goes among ``self.labels``."""
        return [self.labels.index(c) for c in classes]


def read_meta(directory: Path) -> dict[str, Any]:
    path = directory / META_FILE
    if not directory.is_dir():
        raise StanceError(f"{directory}: no such model directory")
    try:
        meta = json.loads(path.read_text())
    except FileNotFoundError:
        raise StanceError(f"{path}: missing; {directory} is not a saved stance model") from None
    except json.JSONDecodeError as exc:
        raise StanceError(f"{path}: corrupted ({exc})") from None
    for key in ("type", "labels", "params"):
        if key not in meta:
            raise StanceError(f"{path}: missing field {key!r}")
    return meta
