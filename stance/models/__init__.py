"""Models behind one interface (``fit``, ``predict``, ``predict_proba``, ``save``, ``load``;
see ``base``), so nothing else branches on model type. The registry maps a config's
``model.type`` to a class; classes are imported on first use so the CLI starts fast and
scikit-learn-only work never imports torch. Imports no ``datasets``, no experiment code
and no corpus readers."""

from __future__ import annotations

from importlib import import_module

from stance.errors import StanceError
from stance.models.base import StanceModel

MODEL_TYPES: dict[str, str] = {
    "majority": "stance.models.baselines:MajorityModel",
    "lexicon": "stance.models.baselines:LexiconModel",
    "tfidf-logreg": "stance.models.baselines:TfidfLogRegModel",
    "tfidf-linearsvc": "stance.models.baselines:TfidfLinearSVCModel",
    "transformer": "stance.models.transformer:TransformerModel",
    "ensemble": "stance.models.ensemble:EnsembleModel",
}


def model_class(name: str) -> type[StanceModel]:
    if name not in MODEL_TYPES:
        raise StanceError(f"unknown model type {name!r} (known: {', '.join(MODEL_TYPES)})")
    module, _, attribute = MODEL_TYPES[name].partition(":")
    return getattr(import_module(module), attribute)


def load_model(directory) -> StanceModel:
    return StanceModel.load(directory)


__all__ = ["MODEL_TYPES", "StanceModel", "load_model", "model_class"]
