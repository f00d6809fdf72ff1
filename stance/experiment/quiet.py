"""Keep ``make train`` readable: one line per run on the terminal, everything else in a log.

Python warnings and the chatter of transformers, datasets and MLflow are routed to a
log file for the duration of training (and restored afterwards), instead of burying
the results between warnings and nested progress bars.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path

CHATTY_LOGGERS = ("transformers", "datasets", "mlflow", "alembic", "accelerate", "torch", "urllib3")


@contextlib.contextmanager
def quiet_training(log_path: Path) -> Iterator[Path]:
    import mlflow  # noqa: F401  (MLflow installs its own handlers on import: import first, then replace them)

    log_path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(log_path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    saved = {}
    for name in CHATTY_LOGGERS:
        logger = logging.getLogger(name)
        saved[name] = (logger.handlers[:], logger.propagate, logger.level)
        logger.handlers, logger.propagate = [handler], False
    warnings_logger = logging.getLogger("py.warnings")
    saved_warnings = (warnings_logger.handlers[:], warnings_logger.propagate)
    warnings_logger.handlers, warnings_logger.propagate = [handler], False
    logging.captureWarnings(True)
    progress = _disable_progress_bars()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            yield log_path
    finally:
        logging.captureWarnings(False)
        warnings_logger.handlers, warnings_logger.propagate = saved_warnings
        for name, (handlers, propagate, level) in saved.items():
            logger = logging.getLogger(name)
            logger.handlers, logger.propagate, logger.level = handlers, propagate, level
        progress()
        handler.close()


def _disable_progress_bars():
    """Turn off datasets' and transformers' progress bars (per map, per checkpoint written);
    returns a function that turns them back on."""
    from datasets.utils import logging as datasets_logging
    from transformers.utils import logging as transformers_logging

    datasets_logging.disable_progress_bar()
    transformers_logging.disable_progress_bar()

    def restore() -> None:
        datasets_logging.enable_progress_bar()
        transformers_logging.enable_progress_bar()

    return restore
