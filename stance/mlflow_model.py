"""The MLflow pyfunc for stance models, logged *from code* (no pickled objects).

Input: a DataFrame with a ``text`` column of raw articles (an optional ``id`` column
is carried through). Output: one row per claim with ``id``, ``start``, ``end``,
``claim``, ``label``, ``probability``, ``speaker_start``/``speaker_end`` (-1: no speaker)
and one ``p_<LABEL>`` column per label, so
``mlflow models serve`` answers an article with its claims.
"""

from __future__ import annotations

import mlflow
import pandas as pd
from mlflow.models import set_model


class StancePyfunc(mlflow.pyfunc.PythonModel):
    def load_context(self, context):
        from stance.predict import load

        self.predictor = load(context.artifacts["stance_model"])

    def predict(self, context, model_input, params=None):
        frame = model_input if isinstance(model_input, pd.DataFrame) else pd.DataFrame(model_input)
        ids = frame["id"].tolist() if "id" in frame else list(range(len(frame)))
        rows = []
        for article_id, claims in zip(ids, self.predictor.predict_articles(frame["text"].astype(str).tolist(), progress=False)):
            for claim in claims:
                row = {"id": article_id, "start": claim.start, "end": claim.end, "claim": claim.text,
                       "label": claim.label, "probability": claim.probability,
                       "speaker_start": claim.speaker[0] if claim.speaker else -1,
                       "speaker_end": claim.speaker[1] if claim.speaker else -1}
                row.update({f"p_{label}": p for label, p in claim.probabilities.items()})
                rows.append(row)
        return pd.DataFrame(rows)


set_model(StancePyfunc())
