"""``make eval``: every chosen run scored on the same gold test claims, in three steps.

* ``compute``: article-level bootstrap CIs, paired tests against the champion, calibration,
  per-corpus results (the champion is the best **dev** macro-F1, never chosen on test);
  ``studies``: the sweep and learning-curve runs of their own MLflow experiments;
* ``render``: report.md, PNG plots, model cards and the error file (which quotes corpus
  text and is git-ignored) under ``experiments/reports/<date>/``;
* ``publish``: an MLflow evaluation run, the ``champion`` alias on the registered model
  ``stance``, a MODEL_CARD.md next to every saved model.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from stance import paths
from stance.evaluation.report import render, studies
from stance.evaluation.report.compute import compute, gather
from stance.evaluation.report.publish import REGISTERED_MODEL, publish, write_model_cards


def evaluate(run_ids: list[str] | None = None, out_root: Path | None = None, data_dir: Path | None = None) -> Path:
    from stance.dataset import column, prepared_data
    from stance.experiment.tracking import EXPERIMENT
    from stance.evaluation.runs import latest_runs

    evaluation = compute(gather(latest_runs(EXPERIMENT, run_ids)))
    prepared = prepared_data(data_dir)
    directory = (out_root or paths.reports_dir()) / dt.date.today().isoformat()
    directory.mkdir(parents=True, exist_ok=True)

    sweep_rows, curve_points = studies.sweep(), studies.learning_curve()
    plot_paths = render.plots(evaluation, directory)
    if curve_points:
        plot_paths.append(render.curve_plot(curve_points, directory))
    test = prepared.data["test"]
    lookup = dict(zip(column(test, "id"), zip(column(test, "text"), column(test, "context"))))
    errors = render.errors_file(evaluation.champion, lookup, directory)
    report = render.markdown(evaluation, prepared.fingerprint, plot_paths, sweep_rows, curve_points)
    report_path = directory / "report.md"
    report_path.write_text(report, encoding="utf-8")

    write_model_cards(evaluation, prepared.fingerprint)
    version = publish(evaluation, prepared.fingerprint, [report_path, errors, *plot_paths])
    print(report)
    champion = evaluation.champion.item.run.name
    print(f"report: {report_path}\nchampion {champion}"
          + (f" registered as models:/{REGISTERED_MODEL}@champion (version {version})" if version else
             " has no saved model to register"))
    return report_path


__all__ = ["evaluate"]
