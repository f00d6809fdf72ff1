"""Which process may log and save under ``torchrun`` / ``accelerate launch``.

Both launchers start one process per GPU and set ``RANK`` (global) in each; without a
launcher there is one process, rank 0. Reading the variable (rather than asking
``torch.distributed``) works before the process group exists, i.e. before the Trainer
creates it, which is when the MLflow run is opened.
"""

from __future__ import annotations

import os


def process_rank() -> int:
    for variable in ("RANK", "ACCELERATE_PROCESS_INDEX"):
        value = os.environ.get(variable)
        if value is not None and value.strip().isdigit():
            return int(value)
    return 0


def is_main_process() -> bool:
    return process_rank() == 0
