"""Run one experiment config: select data, fit, score on dev and test, log to MLflow.

Evaluation uses gold labels wherever a split has them; a split without gold is
scored on weak labels and every metric name says so (``test_weak_macro_f1``), so a
weak-label number is never mistaken for a gold one.

Under ``torchrun`` / ``accelerate launch`` every process runs this function (the
Trainer needs all of them to fit), but only process 0 opens the MLflow run, scores,
logs and saves: the others return ``None`` after fitting.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from stance import paths
from stance.dataset import (EvalSet, PreparedData, TrainSelection, column, evaluation_set, label_names, prepared_data,
                            training_rows)
from stance.errors import StanceError
from stance.evaluation import metrics
from stance.experiment.config import ExperimentConfig, to_flat_params
from stance.experiment.distributed import is_main_process
from stance.experiment.reuse import FittedModels, fit_key
from stance.models import StanceModel, model_class
from stance.models.calibration import decide


# A model predicts with an int8 path by default when that path loses at most this much gold dev
# macro-F1 (issue 9's bound; the speed-ups on this machine are measured by `make bench`).
FAST_PATHS = ("int8", "int8-outlier", "int8-partial")  # fastest first; the first within the bound becomes the default
MAX_FAST_PATH_DEV_LOSS = 0.005
INT8_CALIBRATION_CLAIMS = 512  # seeded sample of training claims whose activation ranges int8-outlier uses


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


def data_for(config: ExperimentConfig, data_dir: Path | None = None) -> PreparedData:
    """The prepared dataset, checked against what the config asks for."""
    prepared = prepared_data(data_dir)
    wanted = config.data.context_claims
    if wanted is not None and wanted != prepared.options.context_claims:
        directory = data_dir or paths.data_dir()
        raise StanceError(f"{config.path}: data.context_claims is {wanted}, but {directory} was built with "
                          f"context_claims={prepared.options.context_claims}; run `stance data build "
                          f"--context-claims {wanted} --out OTHER_DIR` and pass --data OTHER_DIR")
    missing = sorted((set(config.data.corpora) | set(config.data.train_corpora or ())) - set(prepared.options.corpora))
    if missing:
        raise StanceError(f"{config.path}: data.corpora asks for {', '.join(missing)}, which "
                          f"{data_dir or paths.data_dir()} was not built with")
    return prepared


def selection(config: ExperimentConfig) -> TrainSelection:
    d = config.data
    return TrainSelection(d.train_corpora or d.corpora, d.train_provenance, d.max_weak_train, d.max_gold_train,
                          d.gold_batches, d.gold_repeat, config.seed)


def fit_model(config: ExperimentConfig, train, dev: EvalSet, context_claims: int, epoch_callback=None,
              fitted_lookup=None) -> StanceModel:
    """The fitted model, carrying its fit key (``stance.experiment.reuse``): loaded from an earlier
    run when ``fitted_lookup`` finds one with the same key, else fitted here."""
    seed_everything(config.seed)
    cls = model_class(config.model.type)
    model = cls(cls.params_from_dict(config.model.params, f"{config.path}: model.params"), seed=config.seed,
                context_claims=context_claims)
    model.epoch_callback, model.fitted_lookup = epoch_callback, fitted_lookup
    texts, labels, contexts = column(train, "text"), label_names(train), column(train, "context")
    dev_data = (dev.texts, dev.labels, dev.contexts)
    if fitted_lookup is None:
        model.fit_key = fit_key(model, texts, labels, contexts, dev_data)
        found = None
    else:  # the lookup puts the key on the model itself, found or not
        found = fitted_lookup(model, texts, labels, contexts, dev_data)
    return found or model.fit(texts, labels, contexts, dev=dev_data)


def calibrate_int8(model: StanceModel, train, seed: int) -> None:
    """Activation ranges for int8 paths that need them, from a seeded sample of training claims
    (never dev: dev judges the paths)."""
    rng = np.random.default_rng(seed)
    rows = sorted(rng.choice(len(train), size=min(INT8_CALIBRATION_CLAIMS, len(train)), replace=False).tolist())
    sample = train.select(rows)
    model.calibrate_int8(column(sample, "text"), column(sample, "context"))


def choose_inference_path(model: StanceModel, dev: EvalSet) -> tuple[StanceModel, dict[str, float], np.ndarray]:
    """``model``, or the first of its ``FAST_PATHS`` that keeps dev macro-F1 within
    ``MAX_FAST_PATH_DEV_LOSS``; with the dev macro-F1 of each path tried (argmax decisions) and the
    chosen path's dev probabilities. Call it before calibration: the probabilities are the
    classifier's own, which calibration reuses."""
    probabilities = model.predict_proba(dev.texts, dev.contexts)
    variants = model.inference_variants()
    if model.inference_path in FAST_PATHS or dev.provenance != "gold":
        return model, {}, probabilities

    def macro_f1(p: np.ndarray) -> float:
        return metrics.scores(dev.labels, decide(p, model.labels, None))["macro_f1"]

    reference = macro_f1(probabilities)
    scores = {f"dev_macro_f1_{model.inference_path}": reference}
    for name in (name for name in FAST_PATHS if name in variants):
        fast_probabilities = variants[name].predict_proba(dev.texts, dev.contexts)
        scores[f"dev_macro_f1_{name}"] = macro_f1(fast_probabilities)
        if reference - scores[f"dev_macro_f1_{name}"] <= MAX_FAST_PATH_DEV_LOSS:
            return variants[name], scores, fast_probabilities
    return model, scores if len(scores) > 1 else {}, probabilities


def _log_split(model: StanceModel, evaluation: EvalSet, name: str,
               probabilities: np.ndarray | None = None) -> dict[str, float]:
    """Scores, reports and predictions of ``model`` on one split (``probabilities``: its calibrated
    probabilities there, when already known)."""
    import mlflow

    prefix = metrics.prefix(evaluation.split, evaluation.provenance)
    if probabilities is None:
        probabilities = model.predict_proba(evaluation.texts, evaluation.contexts)
    predicted = decide(probabilities, model.labels, None)
    scored = metrics.scores(evaluation.labels, predicted)
    for target in model.thresholds:  # what the precision-first decisions give on this split (same probabilities)
        decided = decide(probabilities, model.labels, model.thresholds_for(float(target)))
        at = metrics.scores(evaluation.labels, decided)
        scored.update({f"{k}_at_p{target}_{label}": at[f"{k}_{label}"] for label in model.thresholds[target]
                       for k in ("precision", "recall")})
    mlflow.log_metrics({metrics.metric_key(evaluation.split, evaluation.provenance, k): v for k, v in scored.items()})
    mlflow.log_text(metrics.report(evaluation.labels, predicted), f"{prefix}_report.txt")
    matrix = metrics.confusion(evaluation.labels, predicted)
    mlflow.log_figure(metrics.plot_confusion(matrix, f"{name}: {prefix}"), f"{prefix}_confusion.png")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{prefix}_predictions.jsonl"
        with open(path, "w", encoding="utf-8") as handle:
            for claim_id, article_id, corpus, gold, row in zip(evaluation.ids, evaluation.article_ids,
                                                               evaluation.corpora, evaluation.labels, probabilities):
                handle.write(json.dumps({"id": claim_id, "article_id": article_id, "corpus": corpus, "gold": gold,
                                         "probabilities": [round(float(p), 6) for p in row]}) + "\n")
        mlflow.log_artifact(str(path))
    return scored


def _epoch_logger(started: float):
    """Logs each epoch's metrics to the active MLflow run and prints them: an MPNet epoch takes
    20 minutes on a CPU, and a run that says nothing for an hour looks hung."""
    import mlflow

    def log(epoch: int, values: dict[str, float]) -> None:
        mlflow.log_metrics(values, step=epoch)
        shown = ", ".join(f"{name} {value:.4f}" for name, value in sorted(values.items()))
        print(f"    epoch {epoch}: {shown} ({(time.perf_counter() - started) / 60:.0f} min)", file=sys.stderr)

    return log


def run_experiment(config: ExperimentConfig, data_dir: Path | None = None, models_dir: Path | None = None,
                   experiment: str | None = None, refit: bool = False) -> RunSummary | None:
    """One MLflow run (a child run when a parent, e.g. a sweep's, is active) in ``experiment``.
    A model (or ensemble member) fitted by an earlier run on the same config, seed and data is
    loaded instead of fitted again, unless ``refit``."""
    import mlflow

    from stance.experiment.tracking import EXPERIMENT, configure, git_commit, log_stance_model

    models_dir = models_dir or paths.models_dir()
    prepared = data_for(config, data_dir)
    data, corpora = prepared.data, config.data.corpora
    main = is_main_process()
    if main and mlflow.active_run() is None:
        configure(experiment or EXPERIMENT)
    started = time.perf_counter()
    nested = main and mlflow.active_run() is not None
    with mlflow.start_run(run_name=config.name, nested=nested) if main else nullcontext() as run:
        train = training_rows(data, selection(config))
        if main:
            mlflow.set_tags({"config_name": config.name, "config_path": config.path, "git_commit": git_commit(),
                             "data_fingerprint": prepared.fingerprint, "model_type": config.model.type})
            mlflow.log_params(to_flat_params(config))
            mlflow.log_params({"n_train_rows": len(train), "context_claims_used": prepared.options.context_claims,
                               "n_train_gold_rows": sum(p == "gold" for p in column(train, "provenance"))})
        dev = evaluation_set(data, "dev", corpora)
        reusable = FittedModels(models_dir, enabled=not refit)
        model = fit_model(config, train, dev, prepared.options.context_claims,
                          epoch_callback=_epoch_logger(started) if main else None, fitted_lookup=reusable)
        if not main:
            return None
        mlflow.log_metric("fit_seconds", time.perf_counter() - started)
        if reusable.reused:
            mlflow.set_tag("reused_fits", ",".join(reusable.reused))
        calibrate_int8(model, train, config.seed)
        model, path_scores, dev_raw = choose_inference_path(model, dev)
        mlflow.log_metrics(path_scores)
        if model.inference_path:
            mlflow.set_tag("inference_path", model.inference_path)
        if dev.provenance == "gold":  # calibrated on gold only: weak labels would teach the lexicon's confidence
            model.calibrate(dev.texts, dev.labels, dev.contexts, raw=dev_raw)
        mlflow.log_metric("temperature", model.temperature)
        mlflow.log_dict(model.thresholds, "precision_thresholds.json")
        results = {}
        for evaluation, known in ((dev, model.calibrated(dev_raw)), (evaluation_set(data, "test", corpora), None)):
            results[evaluation.split] = (metrics.prefix(evaluation.split, evaluation.provenance),
                                         _log_split(model, evaluation, config.name, known))
        model_dir = model.save(models_dir / config.name)
        model_uri = log_stance_model(model_dir)
        mlflow.set_tags({"model_uri": model_uri, "model_dir": str(model_dir.resolve())})
        seconds = time.perf_counter() - started
        mlflow.log_metric("total_seconds", seconds)
    (dev_prefix, dev_scores), (test_prefix, test_scores) = results["dev"], results["test"]
    return RunSummary(config.name, run.info.run_id, model_dir, model_uri, dev_scores, test_scores, dev_prefix,
                      test_prefix, seconds)
