"""The MLflow pyfunc for stance models, logged *from code* (no pickled objects).

Input: articles, each with ``text`` and an optional ``id`` (a DataFrame with those
columns, or a list of such records). Output: one record per claim in the flat form of
``stance.records.ClaimRecord`` (the columns of ``stance predict --format csv``), so
``mlflow models serve`` answers an article with its claims. The type hints give MLflow
both schemas, and it enforces the input one.
"""

from __future__ import annotations

import mlflow
from mlflow.models import set_model
from pydantic import BaseModel, create_model

from stance.labels import LABELS


class ArticleInput(BaseModel):
    text: str
    id: str | None = None


# One field per column of ClaimRecord.flat(), p_<LABEL> generated from the label set.
ClaimOutput = create_model(
    "ClaimOutput",
    article_id=(str, ...), claim_index=(int, ...), start=(int, ...), end=(int, ...), text=(str, ...),
    label=(str, ...), probability=(float, ...),
    **{f"p_{label}": (float, ...) for label in LABELS},
    speaker=(str | None, None), speaker_start=(int | None, None), speaker_end=(int | None, None),
)


class StancePyfunc(mlflow.pyfunc.PythonModel):
    def load_context(self, context):
        from stance.inference.predictor import load

        self.predictor = load(context.artifacts["stance_model"])

    def predict(self, model_input: list[ArticleInput], params=None) -> list[ClaimOutput]:
        articles = [a if isinstance(a, ArticleInput) else ArticleInput(**a) for a in model_input]
        ids = [a.id if a.id is not None else str(i) for i, a in enumerate(articles)]
        predictions = self.predictor.predict_articles([a.text for a in articles], ids=ids, progress=False)
        return [ClaimOutput(**claim.flat()) for claims in predictions for claim in claims]


set_model(StancePyfunc())
