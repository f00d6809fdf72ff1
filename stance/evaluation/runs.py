"""Finished runs read back from MLflow, the champion rule, and a side-by-side table.

The champion is the one place "best model" is decided: the run with the best **dev**
macro-F1, gold-scored runs before weak-scored ones. ``stance train`` links
``models/best`` to it and ``stance eval`` registers it as ``models:/stance@champion``,
so the two never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stance.errors import StanceError
from stance.evaluation.metrics import metric_key
from stance.experiment.tracking import EXPERIMENT, configure
from stance.labels import LABELS


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    name: str
    model_uri: str
    model_dir: str
    metrics: dict[str, float]
    start_time: int
    params: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    def provenance(self, split: str) -> str:
        """gold if the run was scored on gold labels for ``split``, else weak."""
        return "gold" if metric_key(split, "gold", "macro_f1") in self.metrics else "weak"

    def prefix(self, split: str) -> str:
        return f"{split}_{self.provenance(split)}"

    def metric(self, split: str, name: str) -> float | None:
        return self.metrics.get(metric_key(split, self.provenance(split), name))


def champion(records: list[RunRecord]) -> RunRecord | None:
    """The run with the best dev macro-F1 (gold-scored before weak-scored); never chosen on test."""
    candidates = [r for r in records if r.metric("dev", "macro_f1") is not None]
    if not candidates:
        return None
    return max(candidates, key=lambda r: (r.provenance("dev") == "gold", r.metric("dev", "macro_f1"), -r.start_time))


def latest_runs(experiment: str = EXPERIMENT, run_ids: list[str] | None = None) -> list[RunRecord]:
    """The newest finished run of each config (or exactly ``run_ids``), oldest config first."""
    import mlflow

    configure()
    found = mlflow.get_experiment_by_name(experiment)
    if found is None:
        raise StanceError(f"no MLflow experiment {experiment!r} at {mlflow.get_tracking_uri()}; run `make train` first")
    runs = mlflow.search_runs([found.experiment_id], filter_string="attributes.status = 'FINISHED'",
                              order_by=["attributes.start_time DESC"], output_format="list")
    if run_ids:
        wanted = set(run_ids)
        runs = [r for r in runs if r.info.run_id in wanted]
        missing = wanted - {r.info.run_id for r in runs}
        if missing:
            raise StanceError(f"run(s) not found or not finished: {', '.join(sorted(missing))}")
    records, seen = [], set()
    for run in runs:
        if "config_name" not in run.data.tags:  # a suite's parent run: it trained nothing itself
            continue
        name = run.data.tags["config_name"]
        if name in seen:
            if not run_ids:
                continue
            name = f"{name}@{run.info.run_id[:8]}"  # asked-for older runs of a config keep their own row
        seen.add(name)
        records.append(RunRecord(run.info.run_id, name, run.data.tags.get("model_uri", ""),
                                 run.data.tags.get("model_dir", ""), dict(run.data.metrics), run.info.start_time,
                                 dict(run.data.params), dict(run.data.tags)))
    if not records:
        raise StanceError(f"experiment {experiment!r} has no finished runs; run `make train` first")
    return sorted(records, key=lambda r: r.start_time)


def comparison_table(records: list[RunRecord], split: str = "test") -> str:
    header = ["model", "labels", "macro-F1", "acc"] + [f"{l[:3]} P/R/F1" for l in LABELS] + ["n"]
    rows = []
    for record in records:
        if record.metric(split, "macro_f1") is None:
            continue
        value = lambda name: record.metric(split, name)  # noqa: E731
        cells = [record.name, record.provenance(split), f"{value('macro_f1'):.3f}", f"{value('accuracy'):.3f}"]
        for label in LABELS:
            cells.append("/".join(f"{value(f'{k}_{label}'):.2f}" for k in ("precision", "recall", "f1")))
        cells.append(str(int(sum(value(f"support_{label}") for label in LABELS))))
        rows.append(cells)
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths))  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)]) + "\n"
