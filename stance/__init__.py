"""Claim-stance classification in news: ACCUSATION, DENIAL or NEUTRAL_REPORT.

    >>> import stance
    >>> model = stance.load("models/tfidf-logreg")   # a model directory or an MLflow model URI
    >>> model.predict_article(text)                 # claims with offsets, labels, probabilities
"""

from stance.labels import LABELS

__version__ = "0.1.0"


def load(location):
    """Load a saved model (directory or MLflow URI) as a ``stance.predict.Predictor``."""
    from stance.inference.predictor import load as _load

    return _load(location)


__all__ = ["LABELS", "load", "__version__"]
