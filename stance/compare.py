"""Read finished runs back from MLflow and lay their test metrics side by side."""

from __future__ import annotations

from dataclasses import dataclass

from stance.errors import StanceError
from stance.labels import LABELS
from stance.tracking import EXPERIMENT, configure


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    name: str
    model_uri: str
    model_dir: str
    metrics: dict[str, float]
    start_time: int

    def prefix(self, split: str) -> str:
        """gold if the run was scored on gold labels for ``split``, else weak."""
        return f"{split}_gold" if f"{split}_gold_macro_f1" in self.metrics else f"{split}_weak"


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
        name = run.data.tags.get("config_name", run.info.run_name)
        if not run_ids and name in seen:
            continue
        seen.add(name)
        records.append(RunRecord(run.info.run_id, name, run.data.tags.get("model_uri", ""),
                                 run.data.tags.get("model_dir", ""), dict(run.data.metrics), run.info.start_time))
    if not records:
        raise StanceError(f"experiment {experiment!r} has no finished runs; run `make train` first")
    return sorted(records, key=lambda r: r.start_time)


def comparison_table(records: list[RunRecord], split: str = "test") -> str:
    header = ["model", "labels", "macro-F1", "acc"] + [f"{l[:3]} P/R/F1" for l in LABELS] + ["n"]
    rows = []
    for record in records:
        prefix = record.prefix(split)
        m = record.metrics
        if f"{prefix}_macro_f1" not in m:
            continue
        cells = [record.name, prefix.split("_")[1], f"{m[f'{prefix}_macro_f1']:.3f}", f"{m[f'{prefix}_accuracy']:.3f}"]
        for label in LABELS:
            cells.append("/".join(f"{m[f'{prefix}_{k}_{label}']:.2f}" for k in ("precision", "recall", "f1")))
        cells.append(str(int(sum(m[f"{prefix}_support_{label}"] for label in LABELS))))
        rows.append(cells)
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths))  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)]) + "\n"
