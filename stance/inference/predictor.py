"""Prediction on new articles: a saved model plus the segmenter.

    >>> import stance
    >>> model = stance.load("models/tfidf-logreg")          # or an MLflow model URI
    >>> model.predict_article(text)                          # claims with offsets, labels, probabilities
    >>> model.predict(["The ministry denied the report."])  # labels for bare claims
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from stance import paths
from stance.claims.segment import context_of, segment
from stance.claims.speaker import find_speaker
from stance.errors import StanceError
from stance.inference.memory import retain_freed_memory
from stance.models import StanceModel, load_model
from stance.models.base import META_FILE
from stance.models.calibration import decide
from stance.records import ClaimRecord, Speaker

MLFLOW_SCHEMES = ("runs:/", "models:/", "mlflow-artifacts:", "dbfs:/", "s3://", "gs://")


class Predictor:
    """A trained model that also knows how to cut articles into claims."""

    def __init__(self, model: StanceModel):
        self.model = model
        self.context_claims = model.context_claims

    @property
    def labels(self) -> tuple[str, ...]:
        return self.model.labels

    def predict(self, texts: Sequence[str], contexts: Sequence[str] | None = None) -> list[str]:
        return self.model.predict(list(texts), contexts)

    def predict_proba(self, texts: Sequence[str], contexts: Sequence[str] | None = None) -> np.ndarray:
        return self.model.predict_proba(list(texts), contexts)

    def predict_article(self, text: str, article_id: str = "0") -> list[ClaimRecord]:
        return self.predict_articles([text], ids=[article_id], progress=False)[0]

    def predict_articles(self, texts: Sequence[str], ids: Sequence[str] | None = None, progress: bool = True,
                         batch_claims: int = 4096, min_precision: float | None = None) -> list[list[ClaimRecord]]:
        """Claims of every article, predicted in large batches that span articles, so the model can
        sort many claims by length (little padding) and Python overhead per claim stays small.

        ``min_precision`` (e.g. 0.9) labels a claim ACCUSATION or DENIAL only when its probability
        clears the threshold that reached that precision on dev (see ``stance.models.calibration``).
        """
        thresholds = self.model.thresholds_for(min_precision)  # fail before any work if unknown
        ids = [str(i) for i in range(len(texts))] if ids is None else list(ids)
        segmented = [segment(text) for text in texts]
        flat = [(a, i) for a, claims in enumerate(segmented) for i in range(len(claims))]
        results: list[list[ClaimRecord]] = [[] for _ in texts]
        bar = tqdm(total=len(flat), desc="predicting", unit="claim", disable=not progress)
        for offset in range(0, len(flat), batch_claims):
            chunk = flat[offset : offset + batch_claims]
            claim_texts = [segmented[a][i].text for a, i in chunk]
            contexts = [context_of(segmented[a], i, self.context_claims) for a, i in chunk]
            probabilities = self.model.predict_proba(claim_texts, contexts)
            decided = decide(probabilities, self.labels, thresholds)
            for (a, i), row, label in zip(chunk, probabilities, decided):
                claim = segmented[a][i]
                best = self.labels.index(label)
                found = find_speaker(claim.text)
                speaker = None
                if found:
                    start, end = claim.start + found[0], claim.start + found[1]
                    speaker = Speaker(texts[a][start:end], start, end)
                results[a].append(ClaimRecord(
                    ids[a], i, claim.start, claim.end, claim.text, self.labels[best], float(row[best]),
                    {label: float(p) for label, p in zip(self.labels, row)}, speaker,
                ))
            bar.update(len(chunk))
        bar.close()
        return results


def _resolve_local(location: str) -> Path:
    """A local directory for ``location``, downloading MLflow artifacts when it is a model URI."""
    if location.startswith(MLFLOW_SCHEMES):
        import mlflow

        mlflow.set_tracking_uri(paths.tracking_uri())
        try:
            local = Path(mlflow.artifacts.download_artifacts(artifact_uri=location))
        except Exception as exc:  # MLflow raises many types for a bad URI
            raise StanceError(f"could not fetch MLflow model {location}: {exc}".splitlines()[0]) from None
        candidates = [local] + [p.parent for p in local.rglob(META_FILE)]
        for candidate in candidates:
            if (candidate / META_FILE).is_file():
                return candidate
        raise StanceError(f"{location}: the MLflow model holds no saved stance model")
    path = Path(os.path.expanduser(location))
    if not path.exists():
        raise StanceError(f"{location}: no such model directory (or MLflow model URI)")
    return path


def load(location: str | os.PathLike, inference_path: str | None = None) -> Predictor:
    """Load a saved model from a directory or an MLflow model URI (runs:/..., models:/...).

    ``inference_path`` (``fp32``, ``int8``, ``int8-outlier``, ``int8-partial``, ``onnx``, ``onnx-int8`` for transformer
    models) overrides the path the model was saved with (the first of int8, int8-outlier and int8-partial that kept
    dev macro-F1 within 0.005 of fp32, else fp32). Loading readies the process for prediction
    (``stance.inference.memory``: freed memory is kept for the next batch)."""
    retain_freed_memory()
    directory = _resolve_local(str(location))
    model = load_model(directory)
    if inference_path is not None and inference_path != model.inference_path:
        variants = model.inference_variants()
        if inference_path not in variants:
            raise StanceError(f"{location}: no inference path {inference_path!r} for this model "
                              f"(available: {', '.join(variants) or 'only its own'})")
        model = variants[inference_path]
    return Predictor(model)
