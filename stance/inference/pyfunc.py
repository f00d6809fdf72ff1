"""The MLflow pyfunc for stance models, logged *from code* (no pickled objects).

Input: articles, each with ``text`` and an optional ``id`` (a DataFrame with those
columns, or a list of such records). Output: one row per claim in the flat form of
``stance.records.ClaimRecord`` (the columns of ``stance predict --format csv``), so
``mlflow models serve`` answers an article with its claims. The type hints give MLflow
the input schema, which it enforces.
"""

from __future__ import annotations

import mlflow
import pandas as pd
from mlflow.models import set_model
from pydantic import BaseModel


class ArticleInput(BaseModel):
    text: str
    id: str | None = None


class StancePyfunc(mlflow.pyfunc.PythonModel):
    def load_context(self, context):
        from stance.inference.predictor import load

        self.predictor = load(context.artifacts["stance_model"])

    def predict(self, model_input: list[ArticleInput], params=None) -> pd.DataFrame:
        from stance.records import flat_columns

        articles = [a if isinstance(a, ArticleInput) else ArticleInput(**a) for a in model_input]
        ids = [a.id if a.id is not None else str(i) for i, a in enumerate(articles)]
        predictions = self.predictor.predict_articles([a.text for a in articles], ids=ids, progress=False)
        rows = [claim.flat() for claims in predictions for claim in claims]
        frame = pd.DataFrame(rows, columns=flat_columns(self.predictor.labels))
        return frame.astype({"speaker_start": "Int64", "speaker_end": "Int64"})


set_model(StancePyfunc())
