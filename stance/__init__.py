"""Claim-stance classification in news: ACCUSATION, DENIAL or NEUTRAL_REPORT.

    >>> import stance
    >>> model = stance.load("models/tfidf-logreg")   # a model directory or an MLflow model URI
    >>> model.predict_article(text)                 # claims with offsets, labels, probabilities
"""

from stance.labels import LABELS

__version__ = "0.1.0"


def load(location, inference_path=None):
    """Load a saved model (directory or MLflow URI) as a ``stance.inference.predictor.Predictor``.

    ``inference_path`` (``fp32``, ``int8``, ``int8-outlier``, ``int8-partial``, ``onnx``, ``onnx-int8`` for transformer
    models) overrides the path the model was saved with."""
    from stance.inference.predictor import load as _load

    return _load(location, inference_path=inference_path)


__all__ = ["LABELS", "load", "__version__"]
