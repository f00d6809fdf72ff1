"""MLflow tracking: where runs go, and how a saved model becomes an MLflow model.

The default store is the embedded ``sqlite:///mlflow.db`` in the project root (``stance.paths``);
``MLFLOW_TRACKING_URI`` points a team at a shared server instead. Models are logged
as pyfunc models *from code* (``stance/mlflow_model.py``), so loading one never
unpickles anything.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import subprocess
from pathlib import Path

from stance import paths

EXPERIMENT = "stance"  # the model comparison that `make eval` reads
EVALUATION_EXPERIMENT = "stance-evaluation"  # one run per `make eval`


def experiment_for(suite: str | None) -> str:
    """Where a suite's runs go: recipe studies (the sweep, the learning curve) get an experiment of
    their own, so they never compete with the model comparison for the champion."""
    return f"stance-{suite}" if suite in STUDY_SUITES else EXPERIMENT


STUDY_SUITES = ("sweep", "learning-curve")
PYFUNC_CODE = paths.PACKAGE_DIR / "inference" / "pyfunc.py"


def configure(experiment: str | None = None) -> None:
    import mlflow

    # one progress bar per downloaded or logged artifact buries the output of train and eval
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    mlflow.set_tracking_uri(paths.tracking_uri())
    if experiment:
        mlflow.set_experiment(experiment)


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True,
                             cwd=Path(__file__).resolve().parent)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                               text=True, cwd=Path(__file__).resolve().parent).stdout.strip()
        return out.stdout.strip() + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def log_stance_model(model_dir: Path, name: str = "model") -> str:
    """Log a saved stance model directory as an MLflow pyfunc; returns its model URI."""
    import mlflow

    example = [{"id": "example", "text": "The ministry denied the report. Critics accused it of a cover-up."}]
    info = mlflow.pyfunc.log_model(
        name=name,
        python_model=str(PYFUNC_CODE),
        artifacts={"stance_model": str(model_dir)},
        input_example=example,
    )
    return info.model_uri


@contextlib.contextmanager
def suite_parent_run(experiment: str, suite: str | None):
    """A parent MLflow run holding a study suite's runs as children (nothing for other suites)."""
    from stance.experiment.distributed import is_main_process

    if suite not in STUDY_SUITES or not is_main_process():
        yield None
        return
    import mlflow

    configure(experiment)
    with mlflow.start_run(run_name=f"{suite}-{datetime.date.today().isoformat()}") as parent:
        mlflow.set_tags({"suite": suite, "git_commit": git_commit()})
        yield parent
