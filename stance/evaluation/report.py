"""``make eval``: every chosen run scored on the same gold test claims, with article-level
bootstrap CIs, paired tests against the champion, calibration, per-corpus results and
error analysis. Writes ``experiments/reports/<date>/`` (report.md + PNG plots; the
error file quotes corpus text and is git-ignored), logs it all to an MLflow evaluation
run, gives the champion the registry alias ``champion`` on the model ``stance``, and
writes a MODEL_CARD.md next to every saved model.

The champion is the run with the best **dev** macro-F1: choosing it on test would
make its test score optimistic.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from stance import paths
from stance.corpora import GROUPS
from stance.dataset import column
from stance.errors import StanceError
from stance.evaluation import stats
from stance.evaluation.metrics import confusion, metric_key, scores
from stance.evaluation import runs as runs_module
from stance.evaluation.runs import RunRecord, latest_runs
from stance.labels import LABELS

REGISTERED_MODEL = "stance"
EVAL_EXPERIMENT = "stance-evaluation"
BOOTSTRAP_SAMPLES = 1000
SEED = 20261125


@dataclass(frozen=True)
class Predictions:
    ids: list[str]
    article_ids: list[str]
    corpora: list[str]
    gold: np.ndarray
    probabilities: np.ndarray

    @property
    def predicted(self) -> np.ndarray:
        return self.probabilities.argmax(axis=1)


@dataclass(frozen=True)
class Scored:
    run: RunRecord
    test: Predictions
    dev: Predictions | None
    temperature: float | None


def read_predictions(run: RunRecord, split: str) -> Predictions | None:
    import mlflow

    prefix = f"{split}_gold"
    try:
        path = mlflow.artifacts.download_artifacts(run_id=run.run_id, artifact_path=f"{prefix}_predictions.jsonl")
    except Exception:  # the run has no gold predictions for this split
        return None
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]
    return Predictions([r["id"] for r in rows], [r["article_id"] for r in rows], [r["corpus"] for r in rows],
                       np.array([LABELS.index(r["gold"]) for r in rows]), np.array([r["probabilities"] for r in rows]))


def gather(runs: list[RunRecord]) -> list[Scored]:
    scored = []
    for run in runs:
        test = read_predictions(run, "test")
        if test is None:
            print(f"skipping {run.name} ({run.run_id}): no gold test predictions")
            continue
        dev = read_predictions(run, "dev")
        temperature = stats.fit_temperature(dev.probabilities, dev.gold) if dev is not None else None
        scored.append(Scored(run, test, dev, temperature))
    if not scored:
        raise StanceError("no run has gold test predictions; run `make train` after the gold data is in place")
    reference = scored[0].test.ids
    for item in scored[1:]:
        if item.test.ids != reference:
            raise StanceError(f"runs {scored[0].run.name} and {item.run.name} were scored on different test claims "
                              "(different data); pass RUNS=... with runs trained on the same dataset")
    return scored


def dev_macro_f1(item: Scored) -> float:
    value = item.run.metric("dev", "macro_f1")
    return float("-inf") if value is None else value


# ---------------------------------------------------------------------------------------
def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _plots(scored: list[Scored], intervals: dict, directory: Path) -> list[Path]:
    from matplotlib.figure import Figure  # no pyplot: no GUI backend, no process-wide state

    from stance.evaluation.metrics import plot_confusion

    paths = []
    for item in scored:
        figure = plot_confusion(confusion([LABELS[i] for i in item.test.gold], [LABELS[i] for i in item.test.predicted]),
                                f"{item.run.name}: gold test")
        path = directory / f"confusion-{item.run.name}.png"
        figure.savefig(path, dpi=110)
        paths.append(path)

    figure = Figure(figsize=(8, 4.5))
    axis = figure.subplots()
    width = 0.8 / len(scored)
    for k, item in enumerate(scored):
        values = [intervals[item.run.name][label] for label in LABELS]
        x = np.arange(len(LABELS)) + k * width
        axis.bar(x, [v.value for v in values], width, label=item.run.name,
                 yerr=[[v.value - v.low for v in values], [v.high - v.value for v in values]], capsize=2)
    axis.set_xticks(np.arange(len(LABELS)) + 0.4 - width / 2, LABELS)
    axis.set_ylabel("F1 (95% article-bootstrap CI)")
    axis.set_ylim(0, 1)
    axis.legend(fontsize=7, ncol=2)
    figure.tight_layout()
    path = directory / "per-class-f1.png"
    figure.savefig(path, dpi=110)
    paths.append(path)

    columns = min(4, len(scored))
    rows = -(-len(scored) // columns)
    figure = Figure(figsize=(3.2 * columns, 3.2 * rows))
    axes = figure.subplots(rows, columns, squeeze=False)
    for axis, item in zip(axes.flat, scored):
        points = stats.reliability(item.test.probabilities, item.test.gold)
        axis.plot([0, 1], [0, 1], ls="--", color="grey", lw=1)
        axis.plot([p[0] for p in points], [p[1] for p in points], marker="o")
        axis.set_title(f"{item.run.name}\nECE {stats.expected_calibration_error(item.test.probabilities, item.test.gold):.3f}",
                       fontsize=8)
        axis.set_xlabel("confidence", fontsize=8)
        axis.set_ylabel("accuracy", fontsize=8)
    for axis in list(axes.flat)[len(scored):]:
        axis.axis("off")
    figure.tight_layout()
    path = directory / "reliability.png"
    figure.savefig(path, dpi=110)
    paths.append(path)
    return paths


def _errors(champion: Scored, data, directory: Path, per_cell: int = 5) -> Path:
    """Most confident mistakes of the champion per (gold, predicted) cell, with context."""
    test = data["test"]
    lookup = dict(zip(column(test, "id"), zip(column(test, "text"), column(test, "context"))))
    lines = [f"# Most confident mistakes: {champion.run.name} (gold test)\n",
             "Corpus text quoted for analysis; this file is not committed.\n"]
    predictions = champion.test
    for g, gold_label in enumerate(LABELS):
        for p, predicted_label in enumerate(LABELS):
            if g == p:
                continue
            cell = np.flatnonzero((predictions.gold == g) & (predictions.predicted == p))
            lines.append(f"\n## gold {gold_label} -> predicted {predicted_label} ({len(cell)} claims)\n")
            for i in sorted(cell, key=lambda i: -predictions.probabilities[i, p])[:per_cell]:
                text, context = lookup.get(predictions.ids[i], ("?", ""))
                lines.append(f"- **{predictions.probabilities[i, p]:.2f}** `{predictions.ids[i]}`  \n"
                             f"  context: {context[-300:]}  \n  claim: {text}")
    path = directory / "errors.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def model_card(item: Scored, macro: stats.Interval, per_class: dict, by_corpus: dict, data_counts: str) -> str:
    run = item.run
    rows = [[label, str(per_class[label])] for label in LABELS]
    corpus_rows = [[corpus, str(value)] for corpus, value in by_corpus.items()]
    return f"""# Model card: {run.name}

* MLflow run `{run.run_id}`, model `{run.model_uri}`
* Labels: {', '.join(LABELS)} (claim-level stance in news)

## Intended use
Research on accusation and denial in news text: finding claims in which a party alleges
wrongdoing or rejects an allegation, for analysis by a person. Not for deciding whether
any allegation is true, and not for moderation or decisions about individuals.

## Data
Trained and selected on the `stance` corpus (docs/data.md): PolNeAR (US campaign news
2015-16) and FNC-1 bodies (rumour/world news 2014-15); gold labels by guided annotators,
weak labels from labelling functions. {data_counts}

## Metrics (gold test, 95% CI from {BOOTSTRAP_SAMPLES} article-level bootstrap resamples)
Macro-F1: {macro}

{_table(["label", "F1 [95% CI]"], rows)}

By source corpus (macro-F1): 

{_table(["corpus", "macro-F1 [95% CI]"], corpus_rows)}

Calibration: ECE {stats.expected_calibration_error(item.test.probabilities, item.test.gold):.3f}{
    f"; after temperature scaling (T={item.temperature:.2f}, fitted on dev) "
    f"{stats.expected_calibration_error(stats.apply_temperature(item.test.probabilities, item.temperature), item.test.gold):.3f}"
    if item.temperature else ""}.

## Limits
* Domain: English, US politics and viral news of 2014-16; expect lower scores elsewhere.
* The gold test set over-represents accusation/denial-dense articles (selection rule in
  docs/data.md), so precision on ordinary news will be lower than reported here.
* Claims come from a rule-based segmenter: errors in splitting carry into labels.
* Probabilities are not calibrated unless stated; DENIAL is the rarest and hardest class.
"""


def evaluate(run_ids: list[str] | None = None, out_root: Path | None = None, data_dir: Path | None = None) -> Path:
    import mlflow

    from stance.dataset import prepared_data
    from stance.experiment.tracking import EXPERIMENT, configure

    runs = latest_runs(EXPERIMENT, run_ids)
    scored = gather(runs)
    prepared = prepared_data(data_dir)
    data, fingerprint = prepared.data, prepared.fingerprint
    directory = (out_root or paths.reports_dir()) / dt.date.today().isoformat()
    directory.mkdir(parents=True, exist_ok=True)

    reference = scored[0].test
    resamples = stats.article_resamples(reference.article_ids, BOOTSTRAP_SAMPLES, SEED)
    best = runs_module.champion([item.run for item in scored])
    champion = next(item for item in scored if item.run is best)

    headline, intervals, corpus_intervals, significance = [], {}, {}, []
    for item in scored:
        gold, predicted = item.test.gold, item.test.predicted
        macro = stats.bootstrap_interval(stats.macro_f1, gold, predicted, resamples)
        per_class = {label: stats.bootstrap_interval(stats.class_f1(i), gold, predicted, resamples)
                     for i, label in enumerate(LABELS)}
        intervals[item.run.name] = per_class
        flat = scores([LABELS[i] for i in gold], [LABELS[i] for i in predicted])
        ece = stats.expected_calibration_error(item.test.probabilities, gold)
        scaled = (stats.expected_calibration_error(stats.apply_temperature(item.test.probabilities, item.temperature), gold)
                  if item.temperature else float("nan"))
        dev = dev_macro_f1(item)
        headline.append([item.run.name + (" (champion)" if item is champion else ""),
                         f"{dev:.3f}" if dev > float("-inf") else "-", str(macro), f"{flat['accuracy']:.3f}",
                         *[f"{flat[f'precision_{l}']:.2f}/{flat[f'recall_{l}']:.2f}/{flat[f'f1_{l}']:.2f}" for l in LABELS],
                         f"{ece:.3f}", f"{scaled:.3f} (T={item.temperature:.2f})" if item.temperature else "-"])
        corpus_intervals[item.run.name] = {}
        corpora = np.array([GROUPS.get(c, c) for c in item.test.corpora])
        for corpus in sorted(set(corpora)):
            mask = corpora == corpus
            sub_resamples = stats.article_resamples(np.array(item.test.article_ids)[mask], 300, SEED)
            corpus_intervals[item.run.name][corpus] = stats.bootstrap_interval(
                stats.macro_f1, gold[mask], predicted[mask], sub_resamples)
        if item is not champion:
            difference, p_boot = stats.paired_bootstrap(stats.macro_f1, gold, champion.test.predicted, predicted, resamples)
            only_champion, only_other, p_mcnemar = stats.mcnemar_exact(gold, champion.test.predicted, predicted)
            significance.append([item.run.name, str(difference), f"{p_boot:.3f}", f"{only_champion} / {only_other}",
                                 f"{p_mcnemar:.2g}"])
        if Path(item.run.model_dir).is_dir():  # the card sits next to the saved model it describes
            card = model_card(item, macro, per_class, corpus_intervals[item.run.name], f"Dataset fingerprint {fingerprint}.")
            (Path(item.run.model_dir) / "MODEL_CARD.md").write_text(card, encoding="utf-8")

    plots = _plots(scored, intervals, directory)
    errors = _errors(champion, data, directory)
    corpora = sorted({c for values in corpus_intervals.values() for c in values})
    report = f"""# Evaluation report ({dt.date.today().isoformat()})

Gold test split: {len(reference.ids)} claims from {len(set(reference.article_ids))} articles
(dataset fingerprint `{fingerprint}`). 95% confidence intervals from {BOOTSTRAP_SAMPLES} bootstrap
resamples of **articles** (claims of one article are not independent). Champion = best
**dev** macro-F1 ({champion.run.name}); it is never chosen on test.

## Headline

{_table(["model", "dev macro-F1", "test macro-F1 [95% CI]", "accuracy",
         *[f"{l} P/R/F1" for l in LABELS], "ECE", "ECE after temperature scaling"], headline)}

## Per-class F1 with 95% CI

{_table(["model", *LABELS], [[name, *[str(v[l]) for l in LABELS]] for name, v in intervals.items()])}

![per-class F1](per-class-f1.png)

## Champion against each model

Paired bootstrap of the macro-F1 difference (champion minus model; share of resamples in
which the champion is not better) and exact McNemar test on claims that exactly one of the
two models gets right.

{_table(["model", "Δ macro-F1 [95% CI]", "p (bootstrap)", "only champion right / only model right", "p (McNemar)"],
        significance)}

## By source corpus (cross-domain view)

{_table(["model", *corpora], [[name, *[str(v.get(c, '-')) for c in corpora]] for name, v in corpus_intervals.items()])}

## Calibration

Expected calibration error (15 bins, top-label confidence) on test, before and after
temperature scaling fitted on gold dev (table above). Reliability diagrams:

![reliability](reliability.png)

## Confusion matrices

{chr(10).join(f"![{p.stem}]({p.name})" for p in plots if p.name.startswith("confusion-"))}

## Errors

The champion's most confident mistakes per confusion cell, with context, are in
`errors.md` beside this report (not committed: it quotes corpus text).
"""
    report_path = directory / "report.md"
    report_path.write_text(report, encoding="utf-8")

    configure(EVAL_EXPERIMENT)
    with mlflow.start_run(run_name=f"evaluation-{dt.date.today().isoformat()}"):
        mlflow.set_tags({"champion": champion.run.name, "champion_run_id": champion.run.run_id,
                         "runs": ",".join(s.run.run_id for s in scored), "data_fingerprint": fingerprint})
        for item in scored:
            mlflow.log_metric(f"{item.run.name}_{metric_key('test', 'gold', 'macro_f1')}", stats.macro_f1(item.test.gold, item.test.predicted))
        for path in [report_path, errors, *plots]:
            mlflow.log_artifact(str(path))
    version = mlflow.register_model(champion.run.model_uri, REGISTERED_MODEL)
    mlflow.MlflowClient().set_registered_model_alias(REGISTERED_MODEL, "champion", version.version)
    print(report)
    print(f"report: {report_path}\nchampion {champion.run.name} registered as models:/{REGISTERED_MODEL}@champion "
          f"(version {version.version})")
    return report_path
