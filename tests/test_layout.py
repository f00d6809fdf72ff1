"""The layout's promises: inference and models import no training machinery, and the
distributed-training guard, config inheritance and dataset fingerprint behave as documented."""

import json
import subprocess
import sys

import pytest

FORBIDDEN = ("datasets", "stance.experiment", "stance.corpora", "stance.dataset", "stance.labelling.store")


@pytest.mark.parametrize("module", ["stance.inference.predictor", "stance.inference.outputs", "stance.inference.pyfunc",
                                    "stance.models", "stance.models.baselines", "stance.models.transformer"])
def test_inference_and_models_import_no_training_code(module):
    code = (f"import sys, json, {module}; "
            f"print(json.dumps(sorted(m for m in sys.modules if m.startswith({FORBIDDEN!r}))))")
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert loaded == [], f"{module} pulls in {loaded}"


def test_only_process_zero_logs(monkeypatch):
    from stance.experiment.distributed import is_main_process, process_rank

    monkeypatch.delenv("RANK", raising=False)
    monkeypatch.delenv("ACCELERATE_PROCESS_INDEX", raising=False)
    assert process_rank() == 0 and is_main_process()
    monkeypatch.setenv("RANK", "3")
    assert process_rank() == 3 and not is_main_process()


def test_non_main_process_fits_but_neither_logs_nor_saves(monkeypatch, tmp_path):
    from stance.experiment import run as run_module

    calls = []
    monkeypatch.setattr(run_module, "is_main_process", lambda: False)
    monkeypatch.setattr(run_module, "data_for", lambda config, data_dir: calls.append("data") or _FakePrepared())
    monkeypatch.setattr(run_module, "training_rows", lambda data, selection: "rows")
    monkeypatch.setattr(run_module, "evaluation_set", lambda data, split, corpora: "dev")
    monkeypatch.setattr(run_module, "fit_model", lambda *a, **k: (calls.append("fit"), "key"))
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'db'}")
    from stance.experiment.config import ExperimentConfig, ModelConfig

    assert run_module.run_experiment(ExperimentConfig("x", ModelConfig("majority")), tmp_path, tmp_path) is None
    assert calls == ["data", "fit"] and not list(tmp_path.iterdir())


class _FakePrepared:
    data = None
    fingerprint = "f"

    class options:  # noqa: N801
        context_claims = 2


def test_config_inherits_from_its_base(tmp_path):
    from stance.experiment.config import load_config

    (tmp_path / "parent.yaml").write_text("name: parent\nseed: 5\nmodel: {type: tfidf-logreg, params: {C: 2.0}}\n")
    (tmp_path / "child.yaml").write_text("name: child\nbase: parent.yaml\nmodel: {params: {max_features: 10}}\n")
    child = load_config(tmp_path / "child.yaml")
    assert child.name == "child" and child.seed == 5
    assert child.model.type == "tfidf-logreg" and child.model.params == {"C": 2.0, "max_features": 10}
    (tmp_path / "loop.yaml").write_text("name: loop\nbase: loop.yaml\n")
    from stance.errors import StanceError

    with pytest.raises(StanceError, match="loops back"):
        load_config(tmp_path / "loop.yaml")


def test_dataset_fingerprint_covers_gold_files_and_options(tmp_path):
    from stance.dataset import BuildOptions, inputs_fingerprint

    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "a.tsv").write_text("x")
    options = BuildOptions(("polnear",), 2)
    before = inputs_fingerprint(options, gold)
    assert inputs_fingerprint(BuildOptions(("polnear",), 3), gold) != before
    (gold / "a.tsv").write_text("y")
    assert inputs_fingerprint(options, gold) != before
