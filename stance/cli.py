"""The ``stance`` command line: train, eval, predict, data, annotate.

Errors a user can cause print one line (``stance: error: ...``) and exit with status 2;
they never show a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import yaml

from stance.errors import StanceError

SUITES_FILE = Path("experiments/suites.yaml")
DEFAULT_MODEL = "models/best"  # `stance train` points it at the run with the best dev macro-F1


def _suite_configs(name: str, suites_file: Path = SUITES_FILE) -> list[str]:
    try:
        suites = yaml.safe_load(suites_file.read_text())
    except FileNotFoundError:
        raise StanceError(f"{suites_file}: not found (run from the project root, or pass config files)") from None
    if name not in suites:
        raise StanceError(f"{suites_file}: no suite {name!r} (known: {', '.join(suites)})")
    return list(suites[name])


def cmd_train(args: argparse.Namespace) -> None:
    from stance.config import load_config
    from stance.experiment import run_experiment

    paths = args.configs or _suite_configs(args.suite)
    configs = [load_config(p) for p in paths]  # validate all before spending time on any
    summaries = []
    for config in configs:
        print(f"--> {config.name} ({config.path})", flush=True)
        summary = run_experiment(config, Path(args.data), Path(args.models))
        print(f"    {summary.dev_prefix} macro-F1 {summary.dev['macro_f1']:.3f}  ({summary.seconds:.0f}s)", flush=True)
        summaries.append(summary)
    width = max(len(s.name) for s in summaries)
    print(f"\n{'model'.ljust(width)}  dev macro-F1 (labels)  saved model")
    for s in summaries:
        print(f"{s.name.ljust(width)}  {s.dev['macro_f1']:.3f} ({s.dev_prefix.split('_')[1]})        {s.model_dir}   {s.model_uri}")
    best = point_best_model(Path(args.models))
    if best:
        print(f"\nbest on dev among all finished runs: {best.name} -> {Path(args.models) / 'best'} "
              "(the default model of `stance predict`)")


def point_best_model(models_dir: Path):
    """Link ``models_dir/best`` to the saved model of the run with the best dev macro-F1.

    All finished runs count (newest per config), not only the ones just trained, so an
    ablation run never displaces a better model; gold dev scores rank above weak ones.
    """
    from stance.compare import latest_runs

    candidates = [r for r in latest_runs() if Path(r.model_dir).is_dir() and f"{r.prefix('dev')}_macro_f1" in r.metrics]
    if not candidates:
        return None
    best = max(candidates, key=lambda r: (r.prefix("dev") == "dev_gold", r.metrics[f"{r.prefix('dev')}_macro_f1"]))
    link = models_dir / "best"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(Path(best.model_dir).resolve(), target_is_directory=True)
    return best


def cmd_eval(args: argparse.Namespace) -> None:
    run_ids = args.runs.split(",") if args.runs else None
    if args.table_only:
        from stance.compare import comparison_table, latest_runs

        records = latest_runs(args.experiment, run_ids)
        print(f"Test split, newest finished run per config (experiment {args.experiment!r}):\n")
        print(comparison_table(records, "test"))
        return
    from stance.evaluation.report import evaluate

    evaluate(run_ids, Path(args.out), Path(args.data))


def cmd_predict(args: argparse.Namespace) -> None:
    from stance.inputs import read_inputs
    from stance.outputs import RENDERERS, write_output
    from stance.predict import load

    articles = read_inputs(args.inputs)  # read and check every input before loading the model
    predictor = load(args.model)
    predictions = predictor.predict_articles([a.text for a in articles], progress=len(articles) > 1)
    write_output(RENDERERS[args.format](articles, predictions), args.output)


def cmd_data_build(args: argparse.Namespace) -> None:
    from stance.dataset import build_dataset, counts, save_dataset

    data = build_dataset(args.corpora, args.context_claims)
    fingerprint = save_dataset(data, Path(args.out), args.context_claims)
    print(f"saved to {args.out} (fingerprint {fingerprint})")
    _print_counts(counts(data))


def _print_counts(table: dict) -> None:
    from stance.labels import LABELS

    print(f"{'split':<6} {'labels':<6} " + " ".join(f"{l:>15}" for l in LABELS) + f" {'total':>8}")
    for split, by_provenance in table.items():
        for provenance, cells in sorted(by_provenance.items()):
            print(f"{split:<6} {provenance:<6} " + " ".join(f"{cells[l]:>15}" for l in LABELS)
                  + f" {sum(cells.values()):>8}")


def cmd_data_stats(args: argparse.Namespace) -> None:
    from stance.dataset import counts
    from stance.experiment import prepared_data

    data, fingerprint = prepared_data(Path(args.data))
    print(f"dataset {args.data} (fingerprint {fingerprint})")
    _print_counts(counts(data))


def cmd_data_verify(args: argparse.Namespace) -> None:
    from stance.corpora.mirror import SOURCES, corpus_dir, verify

    failed = False
    for name, source in SOURCES.items():
        bad = verify(source)
        print(f"{name}: {corpus_dir(source)} @ {source.commit[:12]}: "
              + ("all files match the manifest" if not bad else f"{len(bad)} file(s) differ, first {bad[0]}"))
        failed |= bool(bad)
    if failed:
        raise StanceError("corpus files differ from the pinned checksums")


def cmd_data_segmentation(args: argparse.Namespace) -> None:
    from stance.corpora import read_corpus
    from stance.segment_eval import measure

    result = measure(read_corpus("polnear", tuple(args.splits)))
    print(f"PolNeAR {','.join(args.splits)}: {result.attributions} attributions, {result.claims} claims")
    print(f"  whole attribution (source+cue+content) inside exactly one claim: {result.contained_rate:.1%}")
    print(f"  content span inside exactly one claim:                            {result.content_rate:.1%}")


def cmd_data_speakers(args: argparse.Namespace) -> None:
    from stance.corpora import read_corpus
    from stance.speaker_eval import measure_speakers

    result = measure_speakers(read_corpus("polnear", tuple(args.splits)))
    print(f"PolNeAR {','.join(args.splits)}: {result.claims} claims, {result.gold} with a gold Source span, "
          f"{result.predicted} with a predicted speaker")
    for name, hits in (("exact", result.exact), ("overlap", result.overlap)):
        precision, recall, f1 = result.f1(hits)
        print(f"  {name:<8} precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")


def cmd_data_weak(args: argparse.Namespace) -> None:
    from stance.weak_report import print_weak_report

    print_weak_report(Path(args.data), args.split)


def cmd_data_agreement(args: argparse.Namespace) -> None:
    from stance.annotation.agreement import agreement

    per_batch, overall, pairs = agreement()
    print(f"{'batch':<16} {'n':>5} {'agreement':>10} {'kappa':>7}")
    for row in [*per_batch, overall]:
        kappa = "n/a" if row.kappa != row.kappa else f"{row.kappa:.3f}"  # nan: one label only
        print(f"{row.batch:<16} {row.n:>5} {row.observed:>10.1%} {kappa:>7}")
    print("\ndisagreements (first round -> blind second round):")
    for (first, second), n in pairs.most_common():
        if first != second:
            print(f"  {first:<15} -> {second:<15} {n}")


def cmd_annotate(args: argparse.Namespace) -> None:
    from stance.annotation.tool import run_annotation_tool

    run_annotation_tool(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stance",
        description="Claim-stance classification in news: split articles into claims and label each "
                    "ACCUSATION, DENIAL or NEUTRAL_REPORT.",
        epilog="Examples:\n  stance train --suite default\n  stance eval\n"
               "  stance predict article.txt --model models/tfidf-logreg\n  stance data build",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    train = commands.add_parser("train", help="run experiment configs, each as an MLflow run",
                                description="Run experiment configs (YAML in configs/); each becomes an MLflow run "
                                            "with params, metrics, plots and the saved model.")
    train.add_argument("configs", nargs="*", help="config files (default: the suite's configs)")
    train.add_argument("--suite", default="default", help="suite name in experiments/suites.yaml (default: default)")
    train.add_argument("--data", default="artifacts/data", help="prepared dataset directory (built if missing)")
    train.add_argument("--models", default="models", help="where saved models go (default: models/)")
    train.set_defaults(func=cmd_train)

    evaluate = commands.add_parser("eval", help="compare trained models on the test split (from MLflow)",
                                   description="Compare the newest finished run of each config on the gold test "
                                               "split: macro-F1 with article-bootstrap CIs, per-class P/R/F1, paired "
                                               "tests against the champion (best dev macro-F1), calibration, per-corpus "
                                               "results and error analysis; writes experiments/reports/<date>/ and "
                                               "registers the champion as models:/stance@champion.")
    evaluate.add_argument("--experiment", default="stance", help="MLflow experiment name (default: stance)")
    evaluate.add_argument("--runs", help="comma-separated MLflow run ids instead of the newest per config")
    evaluate.add_argument("--table-only", action="store_true", help="print the metrics table only (no statistics)")
    evaluate.add_argument("--out", default="experiments/reports", help="report directory root (a dated folder is made)")
    evaluate.add_argument("--data", default="artifacts/data", help="prepared dataset (for error analysis)")
    evaluate.set_defaults(func=cmd_eval)

    predict = commands.add_parser("predict", help="label the claims of new articles",
                                  description="Split articles into claims and label each. Inputs: .txt files, "
                                              "directories, JSONL ({\"id\", \"text\"} per line) or '-' for stdin.")
    predict.add_argument("inputs", nargs="+", help="article files, directories, JSONL files, or '-'")
    predict.add_argument("--model", default=os.environ.get("STANCE_MODEL", DEFAULT_MODEL),
                         help=f"model directory or MLflow model URI (default: $STANCE_MODEL or {DEFAULT_MODEL})")
    predict.add_argument("--format", choices=("table", "jsonl", "csv", "html"), default="table",
                         help="output format (default: table)")
    predict.add_argument("--output", "-o", help="write here instead of stdout (written atomically)")
    predict.set_defaults(func=cmd_predict)

    data = commands.add_parser("data", help="prepare and inspect the dataset",
                               description="Build the claim dataset, verify corpora, measure segmentation.")
    data_commands = data.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    build = data_commands.add_parser("build", help="segment the corpora, attach gold/weak labels, save a DatasetDict")
    build.add_argument("--out", default="artifacts/data", help="output directory (default: artifacts/data)")
    build.add_argument("--corpora", nargs="+", default=["polnear", "fnc1"], help="corpora to include")
    build.add_argument("--context-claims", type=int, default=2, help="preceding claims kept as context (default 2)")
    build.set_defaults(func=cmd_data_build)
    stats = data_commands.add_parser("stats", help="claims per split, provenance and label")
    stats.add_argument("--data", default="artifacts/data")
    stats.set_defaults(func=cmd_data_stats)
    verify = data_commands.add_parser("verify", help="check corpus files against the pinned sha256 manifests")
    verify.set_defaults(func=cmd_data_verify)
    seg = data_commands.add_parser("segmentation", help="agreement of claims with PolNeAR attribution spans")
    seg.add_argument("--splits", nargs="+", default=["train", "dev", "test"])
    seg.set_defaults(func=cmd_data_segmentation)
    speakers = data_commands.add_parser("speakers", help="speaker spans against PolNeAR's gold Source spans")
    speakers.add_argument("--splits", nargs="+", default=["dev", "test"])
    speakers.set_defaults(func=cmd_data_speakers)
    weak = data_commands.add_parser("weak-report", help="labelling-function coverage and accuracy on gold labels")
    weak.add_argument("--data", default="artifacts/data")
    weak.add_argument("--split", default="dev", help="split whose gold labels are used (default: dev)")
    weak.set_defaults(func=cmd_data_weak)

    agree = data_commands.add_parser("agreement", help="self-agreement (Cohen's kappa) of the gold labels")
    agree.set_defaults(func=cmd_data_agreement)

    annotate = commands.add_parser("annotate", help="label claims by hand into a gold standoff file",
                                   description="Show each claim of the chosen articles with its context and the "
                                               "guideline summary; record labels to a standoff TSV. Resumes where "
                                               "it stopped; every label is saved as soon as it is given.")
    annotate.add_argument("articles", nargs="+", help="article ids (e.g. polnear:nyt_2016-... or fnc1:1234)")
    annotate.add_argument("--out", required=True, help="standoff TSV to write (created or extended)")
    annotate.add_argument("--batch", default="manual", help="batch name recorded with each label")
    annotate.set_defaults(func=cmd_annotate)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        args.func(args)
    except StanceError as exc:
        print(f"stance: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("stance: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
