"""Every path the project reads or writes by default, in one place.

Working files (the prepared dataset, saved models, the MLflow store, reports) live
under the *project root*: ``$STANCE_HOME`` if set, else the source checkout this
package was installed from (editable install), else the working directory. So
``stance train`` run from a subdirectory still finds ``artifacts/data``. Files that
ship with the package (gold standoff, manifests) are found next to the code.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def project_root() -> Path:
    configured = os.environ.get("STANCE_HOME")
    if configured:
        return Path(configured)
    checkout = PACKAGE_DIR.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "experiments").is_dir():
        return checkout
    return Path.cwd()


def data_dir() -> Path:
    """The prepared claim dataset (``stance data build``)."""
    return project_root() / "artifacts" / "data"


def models_dir() -> Path:
    """Saved models, one directory per config; ``best`` links to the champion."""
    return project_root() / "models"


def encoders_dir() -> Path:
    """Pretrained encoders assembled from PyPI wheels (``stance.models.encoders``)."""
    return project_root() / "artifacts" / "encoders"


def reports_dir() -> Path:
    return project_root() / "experiments" / "reports"


def suites_file() -> Path:
    return project_root() / "experiments" / "suites.yaml"


def tracking_uri() -> str:
    """``$MLFLOW_TRACKING_URI``, else an sqlite store in the project root."""
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{project_root() / 'mlflow.db'}"


GOLD_DIR = PACKAGE_DIR / "labelling" / "gold"  # shipped standoff gold labels
RELABEL_DIR = PACKAGE_DIR / "labelling" / "relabel"  # blind second labels of a sample of every batch
BATCH_REGISTRY = PACKAGE_DIR / "labelling" / "batches.tsv"  # guideline version and selection of every batch
