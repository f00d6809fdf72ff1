"""Log the GPU results (results.jsonl from run.py) as MLflow runs (README.md here).

    python experiments/device/import_runs.py /work/.device/.../results.jsonl

Each result becomes a child run of one parent run per suite, in the suite's experiment
(``stance-sweep``, ``stance-learning-curve``), with the config's params, the dev/test metrics computed here by
``stance.evaluation.metrics`` from the returned probabilities, the per-claim predictions
in the same format as ``make train`` runs (so ``make eval`` code reads them), and tags
saying where it ran. No model is saved (the weights stayed on the GPU machine).
"""

from __future__ import annotations

import argparse
import gzip
import json
import tempfile
from pathlib import Path

import mlflow

from stance import paths
from stance.evaluation import metrics
from stance.experiment.config import load_config, to_flat_params
from stance.experiment.tracking import experiment_for, suite_parent_run
from stance.labels import LABELS

CARRY = paths.project_root() / ".device-carry"


def log_result(result: dict, payload: dict) -> str:
    """One child run of the suite's parent run (the caller opens it)."""
    rows = payload["rows"]
    config = load_config(paths.project_root() / result["path"])
    with mlflow.start_run(run_name=result["name"], nested=True) as run:
        mlflow.set_tags({"config_name": result["name"], "config_path": result["path"], "suite": result["suite"],
                         "device": result["device"], "data_fingerprint": payload["fingerprint"],
                         "trained_by": "experiments/device/run.py"})
        mlflow.log_params({**to_flat_params(config), **{f"model.params.{k}": str(v) for k, v in result["params"].items()},
                           "n_train_rows": result["n_train"]})
        for entry in result["history"]:
            mlflow.log_metrics({k: v for k, v in entry.items() if k != "epoch"}, step=entry["epoch"])
        mlflow.log_metric("fit_seconds", result["fit_seconds"])
        for split in ("dev", "test"):
            ids, probabilities = payload[split], result[f"{split}_probabilities"]
            gold = [LABELS[rows[i][2]] for i in ids]
            predicted = [LABELS[max(range(len(p)), key=p.__getitem__)] for p in probabilities]
            scored = metrics.scores(gold, predicted)
            mlflow.log_metrics({metrics.metric_key(split, "gold", k): v for k, v in scored.items()})
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / f"{metrics.prefix(split, 'gold')}_predictions.jsonl"
                with open(path, "w", encoding="utf-8") as handle:
                    for claim_id, label, row in zip(ids, gold, probabilities):
                        handle.write(json.dumps({"id": claim_id, "article_id": rows[claim_id][4],
                                                 "corpus": rows[claim_id][3], "gold": label,
                                                 "probabilities": row}) + "\n")
                mlflow.log_artifact(str(path))
    return run.info.run_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", type=Path)
    args = parser.parse_args()
    with gzip.open(CARRY / "data.json.gz", "rt", encoding="utf-8") as handle:
        payload = json.load(handle)
    results = [json.loads(line) for line in args.results.read_text(encoding="utf-8").splitlines()]
    for suite in dict.fromkeys(r["suite"] for r in results):
        with suite_parent_run(experiment_for(suite), suite) as parent:
            mlflow.set_tag("trained_by", "experiments/device/run.py")
            for result in (r for r in results if r["suite"] == suite):
                print(f"{suite}/{result['name']}: run {log_result(result, payload)} (parent {parent.info.run_id})")


if __name__ == "__main__":
    main()
