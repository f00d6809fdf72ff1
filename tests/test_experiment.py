"""End to end on tiny data: config -> fit -> MLflow run -> stance.load / pyfunc from the run."""

import dataclasses

import pytest
from datasets import Dataset, DatasetDict

import stance
from stance.experiment.config import DataConfig, ExperimentConfig, ModelConfig
from stance.dataset import FEATURES, BuildOptions, save_dataset
from stance.labels import LABELS
from tests_support import CLAIMS


def rows(provenance: str, prefix: str) -> list[dict]:
    return [{"id": f"{prefix}:{i}", "article_id": f"toy:{prefix}{i // 4}", "corpus": "polnear", "text": text,
             "context": "", "start": 0, "end": len(text), "label": LABELS.index(label), "provenance": provenance,
             "batch": ""} for i, (text, label) in enumerate(CLAIMS)]


@pytest.fixture
def tiny_data(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow.db'}")
    data = DatasetDict({
        "train": Dataset.from_list(rows("gold", "tr") * 2 + rows("weak", "tw"), features=FEATURES),
        "dev": Dataset.from_list(rows("gold", "d"), features=FEATURES),
        "test": Dataset.from_list(rows("gold", "te"), features=FEATURES),
    })
    save_dataset(data, tmp_path / "data", BuildOptions(corpora=("polnear",), context_claims=2))
    return tmp_path


def config(model_type: str, **params) -> ExperimentConfig:
    return ExperimentConfig(name=f"toy-{model_type}", model=ModelConfig(model_type, params),
                            data=DataConfig(corpora=("polnear",)), seed=7, path="inline")


def test_run_is_logged_and_its_model_loads_back(tiny_data):
    import mlflow

    from stance.experiment.run import run_experiment

    summary = run_experiment(config("tfidf-logreg"), tiny_data / "data", tiny_data / "models")
    assert summary.test_prefix == "test_gold" and 0.0 <= summary.test["macro_f1"] <= 1.0
    run = mlflow.get_run(summary.run_id)
    assert run.data.metrics["test_gold_macro_f1"] == pytest.approx(summary.test["macro_f1"])
    assert "test_gold_f1_DENIAL" in run.data.metrics
    assert run.data.params["model.type"] == "tfidf-logreg" and run.data.tags["data_fingerprint"]
    artifacts = {a.path for a in mlflow.MlflowClient().list_artifacts(summary.run_id)}
    assert {"test_gold_confusion.png", "test_gold_report.txt", "test_gold_predictions.jsonl"} <= artifacts

    from_dir = stance.load(summary.model_dir)
    from_uri = stance.load(summary.model_uri)
    text = "The Pentagon strongly denied the accusations."
    assert from_uri.predict([text]) == from_dir.predict([text])
    claims = from_uri.predict_article("Russia accused the United States of lying.\n\n" + text)
    assert [c.start for c in claims] == [0, 44]

    served = mlflow.pyfunc.load_model(summary.model_uri)
    claims = served.predict(__import__("pandas").DataFrame({"text": ["Russia accused the United States of lying. " + text]}))
    assert [c.text for c in claims] == ["Russia accused the United States of lying.", text]
    # the pyfunc and `stance predict --format csv` share one schema: ClaimRecord.flat()
    from stance.labels import LABELS
    from stance.records import flat_columns
    assert list(claims[0].model_dump()) == flat_columns(LABELS)
    with pytest.raises(Exception, match="text"):
        served.predict([{"id": "no text here"}])


def test_same_config_and_seed_give_the_same_metrics(tiny_data):
    from stance.experiment.run import run_experiment

    first = run_experiment(config("tfidf-linearsvc"), tiny_data / "data", tiny_data / "m1")
    second = run_experiment(config("tfidf-linearsvc"), tiny_data / "data", tiny_data / "m2")
    assert first.dev == second.dev and first.test == second.test


def test_ensemble_member_fitted_by_an_earlier_run_is_reused_not_refitted(tiny_data):
    import mlflow
    import numpy as np

    from stance.experiment.run import run_experiment

    single = run_experiment(config("tfidf-logreg"), tiny_data / "data", tiny_data / "models")
    other_seed = {"type": "tfidf-logreg", "params": {}, "seed": 8}
    ensemble = dataclasses.replace(config("ensemble", members=({"type": "tfidf-logreg", "params": {}, "seed": 7},
                                                               other_seed)), name="toy-ensemble")
    summary = run_experiment(ensemble, tiny_data / "data", tiny_data / "models")
    assert mlflow.get_run(summary.run_id).data.tags["reused_fits"] == "toy-tfidf-logreg"  # seed 8: fitted anew
    reused = stance.load(summary.model_dir).model.members[0]
    texts = ["The Pentagon strongly denied the accusations.", "Russia accused the United States of lying."]
    original = stance.load(single.model_dir).model
    original.temperature = 1.0
    np.testing.assert_allclose(reused.predict_proba(texts), original.predict_proba(texts))

    # every member carries its key, so a later ensemble with the seed-8 member reuses it too
    assert (summary.model_dir / "members" / "1" / "fit_key.txt").is_file()
    swapped = dataclasses.replace(ensemble, name="toy-swapped", model=ModelConfig(
        "ensemble", {"members": (other_seed, {"type": "tfidf-logreg", "params": {}, "seed": 9})}))
    again = run_experiment(swapped, tiny_data / "data", tiny_data / "models")
    assert mlflow.get_run(again.run_id).data.tags["reused_fits"] == "toy-ensemble/members/1"


def test_a_config_run_again_reuses_its_fit_unless_refit(tiny_data):
    import mlflow

    from stance.experiment.run import run_experiment

    first = run_experiment(config("tfidf-logreg"), tiny_data / "data", tiny_data / "models")
    again = run_experiment(config("tfidf-logreg"), tiny_data / "data", tiny_data / "models")
    assert mlflow.get_run(again.run_id).data.tags["reused_fits"] == "toy-tfidf-logreg"
    assert again.dev == first.dev and again.test == first.test
    refit = run_experiment(config("tfidf-logreg"), tiny_data / "data", tiny_data / "models", refit=True)
    assert "reused_fits" not in mlflow.get_run(refit.run_id).data.tags
    assert (refit.model_dir / "fit_key.txt").read_text() == (first.model_dir / "fit_key.txt").read_text()


def test_weak_only_training_uses_no_gold(tiny_data):
    from stance.dataset import TrainSelection, load_dataset, training_rows

    data = load_dataset(tiny_data / "data").data
    weak_only = training_rows(data, TrainSelection(("polnear",), ("weak",)))
    assert set(weak_only["provenance"]) == {"weak"}
    repeated = training_rows(data, TrainSelection(("polnear",), gold_repeat=3))
    assert len(repeated) == len(CLAIMS) * 2 * 3 + len(CLAIMS)
    capped = training_rows(data, TrainSelection(("polnear",), ("gold",), max_gold=5, seed=1))
    assert len(capped) == 5 and capped["id"] == training_rows(data, TrainSelection(("polnear",), ("gold",), max_gold=5, seed=1))["id"]
    assert len(training_rows(data, TrainSelection(("polnear",), ("gold",), gold_batches=("no-such-*",)))) == 0


def test_eval_table_reads_runs_back(tiny_data, capsys):
    from stance.cli import main
    from stance.experiment.run import run_experiment

    run_experiment(config("lexicon"), tiny_data / "data", tiny_data / "models")
    assert main(["eval", "--table-only"]) == 0
    out = capsys.readouterr().out
    assert "toy-lexicon" in out and "gold" in out


def test_eval_of_named_runs_keeps_two_runs_of_one_config_apart(tiny_data, capsys):
    from stance.cli import main
    from stance.experiment.run import run_experiment

    first, second = (run_experiment(config("lexicon"), tiny_data / "data", tiny_data / "models") for _ in range(2))
    assert main(["eval", "--table-only"]) == 0
    assert capsys.readouterr().out.count("toy-lexicon") == 1  # newest run per config
    assert main(["eval", "--table-only", "--runs", f"{first.run_id},{second.run_id}"]) == 0
    out = capsys.readouterr().out
    assert f"toy-lexicon@{first.run_id[:8]}" in out and out.count("toy-lexicon") == 2
    assert main(["eval", "--runs", f"{first.run_id},{second.run_id}", "--data", "data", "--out", "reports"]) == 0
    assert f"toy-lexicon@{first.run_id[:8]}" in next((tiny_data / "reports").glob("*/report.md")).read_text()


def test_full_report_registers_the_champion_and_writes_model_cards(tiny_data, capsys):
    from stance.cli import main
    from stance.experiment.run import run_experiment

    lexicon = run_experiment(config("lexicon"), tiny_data / "data", tiny_data / "models")
    run_experiment(config("majority"), tiny_data / "data", tiny_data / "models")
    assert main(["eval", "--data", "data", "--out", "reports"]) == 0
    report = next((tiny_data / "reports").glob("*/report.md")).read_text()
    assert "Champion against each model" in report and "McNemar" in report and "[" in report
    for name in ("per-class-f1.png", "reliability.png", "errors.md", "confusion-toy-lexicon.png"):
        assert next((tiny_data / "reports").glob(f"*/{name}")).is_file()
    assert (lexicon.model_dir / "MODEL_CARD.md").read_text().startswith("# Model card: toy-lexicon")
    champion = stance.load("models:/stance@champion")
    assert champion.predict(["The Pentagon strongly denied the accusations."]) == ["DENIAL"]


def test_best_model_link_follows_the_best_dev_run(tiny_data):
    from stance.cli import point_best_model
    from stance.experiment.run import run_experiment

    lexicon = run_experiment(config("lexicon"), tiny_data / "data", tiny_data / "models")
    run_experiment(config("majority"), tiny_data / "data", tiny_data / "models")
    best = point_best_model(tiny_data / "models")
    assert best.name == "toy-lexicon"
    assert (tiny_data / "models" / "best").resolve() == lexicon.model_dir.resolve()


def test_config_asking_for_other_context_than_the_dataset_is_refused(tiny_data):
    from stance.errors import StanceError
    from stance.experiment.run import run_experiment

    other = dataclasses.replace(config("majority"), data=DataConfig(corpora=("polnear",), context_claims=4))
    with pytest.raises(StanceError, match="data.context_claims is 4, but .* was built with context_claims=2"):
        run_experiment(other, tiny_data / "data", tiny_data / "models")


def test_each_epoch_is_logged_to_mlflow_and_printed(tiny_data, capsys):
    import mlflow

    from stance.experiment.run import _epoch_logger

    with mlflow.start_run() as run:
        log = _epoch_logger(started=0.0)
        log(1, {"train_loss": 0.5})
        log(1, {"dev_macro_f1": 0.61})
        log(2, {"dev_macro_f1": 0.64})
    history = mlflow.MlflowClient().get_metric_history(run.info.run_id, "dev_macro_f1")
    assert [(m.step, m.value) for m in history] == [(1, 0.61), (2, 0.64)]
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("    epoch")]
    assert len(lines) == 3 and lines[0].startswith("    epoch 1: train_loss 0.5000 (") and lines[2].startswith("    epoch 2: dev_macro_f1 0.6400 (")
