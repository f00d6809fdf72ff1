"""Markdown, plots and model cards from computed numbers (no statistics, no MLflow here)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from stance.evaluation import stats
from stance.evaluation.metrics import confusion, plot_confusion
from stance.evaluation.report.compute import BOOTSTRAP_SAMPLES, Evaluation, ModelResult
from stance.evaluation.report.studies import CurvePoint, SweepRow
from stance.labels import LABELS


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _figure(**kwargs):
    from matplotlib.figure import Figure  # no pyplot: no GUI backend, no process-wide state

    return Figure(**kwargs)


def plots(evaluation: Evaluation, directory: Path) -> list[Path]:
    paths = []
    for result in evaluation.results:
        item = result.item
        figure = plot_confusion(confusion([LABELS[i] for i in item.test.gold], [LABELS[i] for i in item.test.predicted]),
                                f"{item.run.name}: gold test")
        paths.append(_save(figure, directory / f"confusion-{item.run.name}.png"))

    figure = _figure(figsize=(8, 4.5))
    axis = figure.subplots()
    width = 0.8 / len(evaluation.results)
    for k, result in enumerate(evaluation.results):
        values = [result.per_class[label] for label in LABELS]
        x = np.arange(len(LABELS)) + k * width
        axis.bar(x, [v.value for v in values], width, label=result.item.run.name,
                 yerr=[[v.value - v.low for v in values], [v.high - v.value for v in values]], capsize=2)
    axis.set_xticks(np.arange(len(LABELS)) + 0.4 - width / 2, LABELS)
    axis.set_ylabel("F1 (95% article-bootstrap CI)")
    axis.set_ylim(0, 1)
    axis.legend(fontsize=7, ncol=2)
    figure.tight_layout()
    paths.append(_save(figure, directory / "per-class-f1.png"))

    columns = min(4, len(evaluation.results))
    rows = -(-len(evaluation.results) // columns)
    figure = _figure(figsize=(3.2 * columns, 3.2 * rows))
    axes = figure.subplots(rows, columns, squeeze=False)
    for axis, result in zip(axes.flat, evaluation.results):
        points = stats.reliability(result.item.test.probabilities, result.item.test.gold)
        axis.plot([0, 1], [0, 1], ls="--", color="grey", lw=1)
        axis.plot([p[0] for p in points], [p[1] for p in points], marker="o")
        axis.set_title(f"{result.item.run.name}\nECE {result.ece:.3f}", fontsize=8)
        axis.set_xlabel("confidence", fontsize=8)
        axis.set_ylabel("accuracy", fontsize=8)
    for axis in list(axes.flat)[len(evaluation.results):]:
        axis.axis("off")
    figure.tight_layout()
    paths.append(_save(figure, directory / "reliability.png"))
    return paths


def curve_plot(points: list[CurvePoint], directory: Path) -> Path:
    figure = _figure(figsize=(6.5, 4))
    axis = figure.subplots()
    sizes = [p.n_train for p in points]
    series = {"macro-F1": [p.mean(p.macro) for p in points],
              **{f"{label} F1": [p.mean(p.per_class[label]) for p in points] for label in LABELS},
              "world macro-F1": [float(np.mean(p.world_macro)) for p in points]}
    for name, values in series.items():
        axis.plot(sizes, values, marker="o", label=name, lw=2 if name == "macro-F1" else 1)
    lows = [min(v.low for v in p.macro) for p in points]
    highs = [max(v.high for v in p.macro) for p in points]
    axis.fill_between(sizes, lows, highs, alpha=0.15, label="macro-F1 95% CI (over seeds)")
    axis.set_xscale("log")
    axis.set_xticks(sizes, [f"{s:,}" for s in sizes])
    axis.set_xlabel("gold training claims (log scale)")
    axis.set_ylabel("gold test F1")
    axis.set_ylim(0, 1)
    axis.legend(fontsize=7)
    figure.tight_layout()
    return _save(figure, directory / "learning-curve.png")


def _save(figure, path: Path) -> Path:
    figure.savefig(path, dpi=110)
    return path


def _versus(result: ModelResult) -> list[str]:
    difference, p_boot, only_champion, only_other, p_mcnemar = result.against_champion
    return [result.item.run.name, str(difference), f"{p_boot:.3f}", f"{only_champion} / {only_other}", f"{p_mcnemar:.2g}"]


RECIPE_KEYS = ("learning_rate", "epochs", "max_length", "class_weighting", "use_context", "patience",
               "train_provenance", "max_weak_train")


def _recipe(params: dict[str, str]) -> dict[str, str]:
    return {k.split(".")[-1]: v for k, v in params.items()
            if k.startswith(("model.params.", "data.")) and k.split(".")[-1] in RECIPE_KEYS}


def sweep_section(rows: list[SweepRow]) -> str:
    if not rows:
        return "No sweep runs found (`stance train --suite sweep`, or experiments/device/)."
    base = next((_recipe(r.run.params) for r in rows if r.run.name == "sweep-base"), {})
    body = []
    for row in rows:
        recipe = _recipe(row.run.params)
        changed = {k: v for k, v in recipe.items() if base.get(k) != v}
        body.append([row.run.name, ", ".join(f"{k}={v}" for k, v in sorted(changed.items())) or "(base)",
                     f"{row.dev_macro_f1:.3f}", f"{row.test_macro_f1:.3f}" if row.test_macro_f1 is not None else "-",
                     f"{float(row.run.metrics.get('fit_seconds', 0)):.0f}", row.run.tags.get("device", "this machine")])
    recipe = ", ".join(f"{k}={v}" for k, v in sorted(base.items()))
    return ("One factor at a time around the base recipe (" + recipe + "); sorted by **dev** macro-F1, "
            "which alone chose the recipe (test shown for the record, never used to choose).\n\n"
            + table(["run", "change from base", "dev macro-F1", "test macro-F1", "fit s", "device"], body))


def curve_section(points: list[CurvePoint]) -> str:
    if not points:
        return "No learning-curve runs found (`stance train --suite learning-curve`, or experiments/device/)."
    rows = []
    for p in points:
        rows.append([f"{p.n_train:,}", ", ".join(map(str, p.seeds)), " / ".join(str(v) for v in p.macro),
                     *[f"{p.mean(p.per_class[label]):.3f}" for label in LABELS],
                     f"{float(np.mean(p.world_macro)):.3f}"])
    first, last = points[-2], points[-1]
    gain = last.mean(last.macro) - first.mean(first.macro)
    return (f"The round-2 recipe trained on seeded draws of the gold training claims (two seeds per "
            f"point; 95% article-bootstrap CIs on the gold test split per seed).\n\n"
            + table(["gold training claims", "seeds", "test macro-F1 [95% CI] per seed",
                     *[f"{label} F1 (mean)" for label in LABELS], "world macro-F1 (mean)"], rows)
            + f"\n\n![learning curve](learning-curve.png)\n\nFrom {first.n_train:,} to {last.n_train:,} claims "
            f"the mean test macro-F1 moves by {gain:+.3f}.")


def thresholds_section(champion: ModelResult) -> str:
    """Test precision/recall of the champion's dev-chosen thresholds (``--min-precision P``)."""
    metrics = champion.item.run.metrics
    rows = []
    for target in ("0.8", "0.9", "0.95"):
        for label in LABELS:
            p, r = (metrics.get(f"test_gold_{k}_at_p{target}_{label}") for k in ("precision", "recall"))
            if p is not None:
                rows.append([target, label, f"{p:.3f}", f"{r:.3f}"])
    if not rows:
        return "The champion was saved without precision thresholds."
    return (f"Precision-first decisions (`stance predict --min-precision P`): per-class thresholds chosen on "
            f"gold dev so that each stance label reaches precision P there; what they give on gold test for "
            f"the champion ({champion.item.run.name}):\n\n" + table(["P (dev)", "label", "test precision", "test recall"], rows))


def markdown(evaluation: Evaluation, fingerprint: str, plot_paths: list[Path], sweep_rows: list[SweepRow],
             curve_points: list[CurvePoint]) -> str:
    champion = evaluation.champion
    groups = sorted(evaluation.group_sizes)
    headline = []
    for r in evaluation.results:
        dev = r.item.run.metric("dev", "macro_f1")
        headline.append([r.item.run.name + (" (champion)" if r is champion else ""),
                         r.item.run.tags.get("inference_path", "-"), f"{dev:.3f}" if dev is not None else "-",
                         str(r.macro), f"{r.flat['accuracy']:.3f}",
                         *[f"{r.flat[f'precision_{l}']:.2f}/{r.flat[f'recall_{l}']:.2f}/{r.flat[f'f1_{l}']:.2f}"
                           for l in LABELS],
                         f"{r.ece_raw:.3f}", f"{r.ece:.3f} (T={r.item.temperature:.2f})"])
    sizes = ", ".join(f"{g} {n:,} claims / {a} articles" for g, (n, a) in evaluation.group_sizes.items())
    champion_groups = [[g, str(champion.by_group[g]), *[str(champion.by_group_class[l][g]) for l in LABELS]]
                       for g in groups]
    return f"""# Evaluation report ({dt.date.today().isoformat()})

Gold test split: {evaluation.n_claims:,} claims from {evaluation.n_articles} articles ({sizes};
dataset fingerprint `{fingerprint}`). 95% confidence intervals from {BOOTSTRAP_SAMPLES} bootstrap
resamples of **articles** (claims of one article are not independent). Champion = best
**dev** macro-F1 ({champion.item.run.name}); it is never chosen on test.

## Headline

The inference path is the one the saved model predicts with (`stance.models.quantization`;
`-`: a model without variants); dev and test numbers are that path's.

{table(["model", "inference path", "dev macro-F1", "test macro-F1 [95% CI]", "accuracy",
        *[f"{l} P/R/F1" for l in LABELS], "ECE raw", "ECE served (temperature fitted on dev)"], headline)}

## Per-class F1 with 95% CI

{table(["model", *LABELS], [[r.item.run.name, *[str(r.per_class[l]) for l in LABELS]] for r in evaluation.results])}

![per-class F1](per-class-f1.png)

## By corpus: polnear, fnc1 and world news

`world` = NewsDiscourse (Reuters, Xinhua) + Wikinews. Macro-F1 [95% CI, {300} article resamples per corpus]:

{table(["model", *groups], [[r.item.run.name, *[str(r.by_group.get(g, '-')) for g in groups]] for r in evaluation.results])}

The champion by corpus, per class (F1 [95% CI]):

{table(["corpus", "macro-F1", *LABELS], champion_groups)}

## Champion against each model

Paired bootstrap of the macro-F1 difference (champion minus model; share of resamples in
which the champion is not better) and exact McNemar test on claims that exactly one of the
two models gets right.

{table(["model", "Δ macro-F1 [95% CI]", "p (bootstrap)", "only champion right / only model right", "p (McNemar)"],
       [_versus(r) for r in evaluation.results if r.against_champion is not None])}

## Learning curve: is the model still data-limited?

{curve_section(curve_points)}

## Recipe sweep

{sweep_section(sweep_rows)}

## Calibration and precision-first decisions

Every model is calibrated by default: a temperature fitted on gold dev at training time is
saved with it, so `predict_proba`, the CLI and the served model return scaled probabilities.
Expected calibration error (15 bins, top-label confidence) on test before (raw) and after
(served) is in the headline table. Reliability diagrams of the served probabilities:

![reliability](reliability.png)

{thresholds_section(champion)}

## Confusion matrices

{chr(10).join(f"![{p.stem}]({p.name})" for p in plot_paths if p.name.startswith("confusion-"))}

## Errors

The champion's most confident mistakes per confusion cell, with context, are in
`errors.md` beside this report (not committed: it quotes corpus text).
"""


def errors_file(champion: ModelResult, lookup: dict[str, tuple[str, str]], directory: Path, per_cell: int = 5) -> Path:
    """Most confident mistakes of the champion per (gold, predicted) cell, with context."""
    predictions = champion.item.test
    lines = [f"# Most confident mistakes: {champion.item.run.name} (gold test)\n",
             "Corpus text quoted for analysis; this file is not committed.\n"]
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


def model_card(result: ModelResult, data_counts: str) -> str:
    item, run = result.item, result.item.run
    rows = [[label, str(result.per_class[label])] for label in LABELS]
    corpus_rows = [[corpus, str(value)] for corpus, value in result.by_group.items()]
    scaled = f" (served, temperature {item.temperature:.2f} fitted on dev); {result.ece_raw:.3f} before scaling"
    return f"""# Model card: {run.name}

* MLflow run `{run.run_id}`, model `{run.model_uri}`
* Labels: {', '.join(LABELS)} (claim-level stance in news)

## Intended use
Research on accusation and denial in news text: finding claims in which a party alleges
wrongdoing or rejects an allegation, for analysis by a person. Not for deciding whether
any allegation is true, and not for moderation or decisions about individuals.

## Data
Trained and selected on the `stance` corpus (docs/data.md): PolNeAR (US campaign news
2015-16), FNC-1 bodies (rumour/world news 2014-15), NewsDiscourse Reuters/Xinhua wire stories
(2014-19) and Wikinews (2019-21); gold labels by guided annotators, weak labels from
labelling functions. {data_counts}

## Metrics (gold test, 95% CI from {BOOTSTRAP_SAMPLES} article-level bootstrap resamples)
Macro-F1: {result.macro}

{table(["label", "F1 [95% CI]"], rows)}

By corpus (macro-F1; world = NewsDiscourse + Wikinews):

{table(["corpus", "macro-F1 [95% CI]"], corpus_rows)}

Calibration: ECE {result.ece:.3f}{scaled}.

## Limits
* Domain: English news 2014-21 (US politics, rumours, international wire copy); expect lower
  scores on other genres and periods.
* The gold test set over-represents accusation/denial-dense articles (selection rule in
  docs/data.md), so precision on ordinary news will be lower than reported here.
* Claims come from a rule-based segmenter: errors in splitting carry into labels.
* DENIAL is the rarest and hardest class.
"""
