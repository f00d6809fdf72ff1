"""Run one experiment config: select data, fit, score on dev and test, log to MLflow.

Evaluation uses gold labels wherever a split has them; a split without gold is
scored on weak labels and every metric name says so (``test_weak_macro_f1``), so a
weak-label number is never mistaken for a gold one.
"""

from __future__ import annotations

import json
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from datasets import Dataset, DatasetDict

from stance import metrics
from stance.config import ExperimentConfig, to_flat_params
from stance.errors import StanceError
from stance.dataset import build_dataset, column, load_dataset, save_dataset
from stance.labels import LABELS
from stance.models import StanceModel, model_class

DEFAULT_DATA_DIR = Path("artifacts/data")
DEFAULT_MODELS_DIR = Path("models")


@dataclass(frozen=True)
class EvalSet:
    split: str
    provenance: str  # gold or weak
    ids: list[str]
    texts: list[str]
    contexts: list[str]
    labels: list[str]
    article_ids: list[str]
    corpora: list[str]

    @property
    def prefix(self) -> str:
        return f"{self.split}_{self.provenance}"


@dataclass(frozen=True)
class RunSummary:
    name: str
    run_id: str
    model_dir: Path
    model_uri: str
    dev: dict[str, float]
    test: dict[str, float]
    dev_prefix: str
    test_prefix: str
    seconds: float


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    try:
        import torch
    except ImportError:
        return
    torch.manual_seed(seed)


def prepared_data(directory: Path = DEFAULT_DATA_DIR, corpora: tuple[str, ...] = ("polnear", "fnc1"),
                  context_claims: int = 2) -> tuple[DatasetDict, str]:
    """The prepared dataset, building and saving it first when ``directory`` holds none."""
    if not (directory / "fingerprint.json").is_file():
        print(f"preparing the dataset in {directory} (first run only)")
        save_dataset(build_dataset(corpora, context_claims), directory, context_claims)
    data, fingerprint, built_with = load_dataset(directory)
    if built_with != context_claims:
        raise StanceError(f"{directory}: dataset was built with context_claims={built_with}, the config asks for "
                          f"{context_claims}; run `stance data build --context-claims {context_claims} --out OTHER_DIR` "
                          "and pass --data OTHER_DIR")
    return data, fingerprint


def _names(part: Dataset) -> list[str]:
    return [LABELS[i] for i in column(part, "label")]


def training_rows(data: DatasetDict, config: ExperimentConfig) -> Dataset:
    train = data["train"].filter(lambda row: row["corpus"] in config.data.corpora
                                 and row["provenance"] in config.data.train_provenance)
    cap = config.data.max_weak_train
    if cap is not None:
        rng = np.random.default_rng(config.seed)
        provenance = column(train, "provenance")
        weak = [i for i, p in enumerate(provenance) if p == "weak"]
        gold = [i for i, p in enumerate(provenance) if p == "gold"]
        keep = sorted(gold + list(rng.choice(weak, size=min(cap, len(weak)), replace=False)))
        train = train.select(keep)
    if config.data.gold_repeat > 1:
        gold = [i for i, p in enumerate(column(train, "provenance")) if p == "gold"]
        train = train.select(list(range(len(train))) + gold * (config.data.gold_repeat - 1))
    return train


def evaluation_set(data: DatasetDict, split: str, corpora: tuple[str, ...]) -> EvalSet:
    part = data[split].filter(lambda row: row["corpus"] in corpora)
    provenance = "gold" if "gold" in set(column(part, "provenance")) else "weak"
    part = part.filter(lambda row: row["provenance"] == provenance)
    columns = {name: column(part, name) for name in ("id", "text", "context", "article_id", "corpus")}
    return EvalSet(split, provenance, columns["id"], columns["text"], columns["context"], _names(part),
                   columns["article_id"], columns["corpus"])


def fit_model(config: ExperimentConfig, train: Dataset, dev: EvalSet, epoch_callback=None) -> StanceModel:
    seed_everything(config.seed)
    cls = model_class(config.model.type)
    model = cls(cls.params_from_dict(config.model.params, f"{config.path}: model.params"), seed=config.seed,
                context_claims=config.data.context_claims)
    model.epoch_callback = epoch_callback
    return model.fit(column(train, "text"), _names(train), column(train, "context"),
                     dev=(dev.texts, dev.labels, dev.contexts))


def run_experiment(config: ExperimentConfig, data_dir: Path = DEFAULT_DATA_DIR,
                   models_dir: Path = DEFAULT_MODELS_DIR) -> RunSummary:
    import mlflow

    from stance.tracking import EXPERIMENT, configure, git_commit, log_stance_model

    data, data_fingerprint = prepared_data(data_dir, config.data.corpora, config.data.context_claims)
    configure(EXPERIMENT)
    started = time.perf_counter()
    with mlflow.start_run(run_name=config.name) as run:
        mlflow.set_tags({"config_name": config.name, "config_path": config.path, "git_commit": git_commit(),
                         "data_fingerprint": data_fingerprint, "model_type": config.model.type})
        mlflow.log_params(to_flat_params(config))
        train = training_rows(data, config)
        mlflow.log_params({"n_train_rows": len(train),
                           "n_train_gold_rows": sum(p == "gold" for p in column(train, "provenance"))})
        model = fit_model(config, train, evaluation_set(data, "dev", config.data.corpora),
                          epoch_callback=lambda epoch, values: mlflow.log_metrics(values, step=epoch))
        fit_seconds = time.perf_counter() - started
        mlflow.log_metric("fit_seconds", fit_seconds)

        results = {}
        for split in ("dev", "test"):
            evaluation = evaluation_set(data, split, config.data.corpora)
            probabilities = model.predict_proba(evaluation.texts, evaluation.contexts)
            predicted = [model.labels[i] for i in probabilities.argmax(axis=1)]
            scored = metrics.scores(evaluation.labels, predicted)
            mlflow.log_metrics({f"{evaluation.prefix}_{k}": v for k, v in scored.items()})
            mlflow.log_text(metrics.report(evaluation.labels, predicted), f"{evaluation.prefix}_report.txt")
            matrix = metrics.confusion(evaluation.labels, predicted)
            mlflow.log_figure(metrics.plot_confusion(matrix, f"{config.name}: {evaluation.prefix}"),
                              f"{evaluation.prefix}_confusion.png")
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / f"{evaluation.prefix}_predictions.jsonl"
                with open(path, "w", encoding="utf-8") as handle:
                    for claim_id, article_id, corpus, gold, row in zip(evaluation.ids, evaluation.article_ids,
                                                                       evaluation.corpora, evaluation.labels, probabilities):
                        handle.write(json.dumps({"id": claim_id, "article_id": article_id, "corpus": corpus, "gold": gold,
                                                 "probabilities": [round(float(p), 6) for p in row]}) + "\n")
                mlflow.log_artifact(str(path))
            results[split] = (evaluation.prefix, scored)

        model_dir = model.save(models_dir / config.name)
        model_uri = log_stance_model(model_dir)
        mlflow.set_tag("model_uri", model_uri)
        mlflow.set_tag("model_dir", str(model_dir.resolve()))
        seconds = time.perf_counter() - started
        mlflow.log_metric("total_seconds", seconds)
    (dev_prefix, dev), (test_prefix, test) = results["dev"], results["test"]
    return RunSummary(config.name, run.info.run_id, model_dir, model_uri, dev, test, dev_prefix, test_prefix, seconds)
