"""Where a finished evaluation goes: an MLflow evaluation run with the report and plots, the
``champion`` registry alias, and a MODEL_CARD.md beside every saved model."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from stance.evaluation import stats
from stance.evaluation.metrics import metric_key
from stance.evaluation.report.compute import Evaluation
from stance.evaluation.report.render import model_card

REGISTERED_MODEL = "stance"


def write_model_cards(evaluation: Evaluation, fingerprint: str) -> None:
    for result in evaluation.results:
        model_dir = Path(result.item.run.model_dir)
        if result.item.run.model_dir and model_dir.is_dir():  # the card sits next to the model it describes
            (model_dir / "MODEL_CARD.md").write_text(model_card(result, f"Dataset fingerprint {fingerprint}."),
                                                     encoding="utf-8")


def publish(evaluation: Evaluation, fingerprint: str, files: list[Path]) -> str | None:
    """Log the evaluation run and register the champion; returns the registered version."""
    import mlflow

    from stance.experiment.tracking import EVALUATION_EXPERIMENT, configure

    champion = evaluation.champion.item.run
    configure(EVALUATION_EXPERIMENT)
    with mlflow.start_run(run_name=f"evaluation-{dt.date.today().isoformat()}"):
        mlflow.set_tags({"champion": champion.name, "champion_run_id": champion.run_id,
                         "runs": ",".join(r.item.run.run_id for r in evaluation.results), "data_fingerprint": fingerprint})
        for result in evaluation.results:
            # "name@runid" (an older run asked for by id) is not a valid MLflow metric name; "name:runid" is
            mlflow.log_metric(f"{result.item.run.name.replace('@', ':')}_{metric_key('test', 'gold', 'macro_f1')}",
                              stats.macro_f1(result.item.test.gold, result.item.test.predicted))
        for path in files:
            mlflow.log_artifact(str(path))
    if not champion.model_uri:
        return None
    version = mlflow.register_model(champion.model_uri, REGISTERED_MODEL)
    mlflow.MlflowClient().set_registered_model_alias(REGISTERED_MODEL, "champion", version.version)
    return version.version
