"""The ``stance`` command line: train, eval, predict, data, annotate.

Errors a user can cause print one line (``stance: error: ...``) and exit with status 2;
they never show a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from pathlib import Path

from stance import paths
from stance.errors import StanceError
from stance.models.transformer import INFERENCE_PATHS


def cmd_train(args: argparse.Namespace) -> None:
    from stance.experiment.config import load_config, suite_configs
    from stance.experiment.distributed import is_main_process
    from stance.experiment.quiet import quiet_training
    from stance.experiment.run import run_experiment
    from stance.experiment.tracking import experiment_for, suite_parent_run

    config_paths = args.configs or suite_configs(args.suite)
    configs = [load_config(p) for p in config_paths]  # validate all before spending time on any
    models_dir = Path(args.models) if args.models else paths.models_dir()
    data_dir = Path(args.data) if args.data else None
    summaries = []
    experiment = experiment_for(None if args.configs else args.suite)
    with quiet_training(paths.project_root() / "artifacts" / "train.log") as log, \
            suite_parent_run(experiment, None if args.configs else args.suite):
        for number, config in enumerate(configs, start=1):
            print(f"[{number}/{len(configs)}] {config.name:<28}", end=" ", flush=True)
            summary = run_experiment(config, data_dir, models_dir, experiment, refit=args.refit)
            if summary is None:  # not process 0 of a distributed launch
                continue
            print(f"{summary.dev_prefix} macro-F1 {summary.dev['macro_f1']:.3f}  ({summary.seconds:.0f}s)", flush=True)
            summaries.append(summary)
    if not is_main_process():
        return
    print(f"\nwarnings and library messages: {log}")
    for s in summaries:
        print(f"  {s.name}: {s.model_dir}  {s.model_uri}")
    best = point_best_model(models_dir)
    if best:
        print(f"\nchampion (best dev macro-F1 among all finished runs): {best.name} -> {models_dir / 'best'} "
              "(the default model of `stance predict`)")


def point_best_model(models_dir: Path):
    """Link ``models_dir/best`` to the champion's saved model (``stance.evaluation.runs.champion``).

    All finished runs count (newest per config), not only the ones just trained, so an
    ablation run never displaces a better model.
    """
    from stance.evaluation.runs import champion, latest_runs

    best = champion(latest_runs())
    if best is None or not Path(best.model_dir).is_dir():
        return None
    link = models_dir / "best"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(Path(best.model_dir).resolve(), target_is_directory=True)
    return best


def cmd_eval(args: argparse.Namespace) -> None:
    run_ids = args.runs.split(",") if args.runs else None
    if args.table_only:
        from stance.evaluation.runs import comparison_table, latest_runs

        records = latest_runs(args.experiment, run_ids)
        print(f"Test split, newest finished run per config (experiment {args.experiment!r}):\n")
        print(comparison_table(records, "test"))
        return
    from stance.evaluation.report import evaluate

    evaluate(run_ids, Path(args.out) if args.out else None, Path(args.data) if args.data else None)


SPARK_ONLY = ("master", "input_format", "buckets", "buckets_per_job", "partitions", "batch_articles", "max_bytes")


def cmd_predict(args: argparse.Namespace) -> None:
    if args.engine == "spark":
        if args.min_precision is not None or args.inference_path is not None:
            raise StanceError(f"--{'min-precision' if args.min_precision is not None else 'inference-path'} "
                              "is an option of --engine local")
        return cmd_predict_spark(args)
    given = [name for name in SPARK_ONLY if getattr(args, name) is not None]
    if given:
        raise StanceError(f"--{given[0].replace('_', '-')} is an option of --engine spark")
    args.format = args.format or "table"
    from stance.inference.inputs import read_inputs
    from stance.inference.outputs import RENDERERS, check_output, write_output
    from stance.inference.predictor import load

    check_output(args.output)
    articles = read_inputs(args.inputs)  # read and check every input before loading the model
    predictor = load(args.model, args.inference_path)
    predictions = predictor.predict_articles([a.text for a in articles], ids=[a.id for a in articles],
                                             progress=len(articles) > 1, min_precision=args.min_precision)
    write_output(RENDERERS[args.format](articles, predictions), args.output)


def cmd_predict_spark(args: argparse.Namespace) -> None:
    from stance.inference.spark import SparkOptions, run

    if args.format is not None:
        raise StanceError("--engine spark always writes a Parquet dataset; --format is for --engine local")
    options = SparkOptions(args.inputs, args.output, args.model, args.master, args.input_format or "auto",
                           **{name: getattr(args, name) for name in SPARK_ONLY[2:] if getattr(args, name) is not None})
    summary = run(options, log=print)
    for line in summary.lines(args.output):
        print(line)


def cmd_data_build(args: argparse.Namespace) -> None:
    from stance.dataset import BuildOptions, build_dataset, counts, save_dataset

    options = BuildOptions(tuple(args.corpora), args.context_claims)
    out = Path(args.out) if args.out else paths.data_dir()
    data = build_dataset(options)
    fingerprint = save_dataset(data, out, options)
    print(f"saved to {out} (fingerprint {fingerprint})")
    _print_counts(counts(data))


def _print_counts(table: dict) -> None:
    from stance.labels import LABELS

    width = max(len(key) for rows in table.values() for key in rows)
    print(f"{'split':<6} {'labels':<{width}} " + " ".join(f"{l:>15}" for l in LABELS) + f" {'total':>8}")
    for split, by_provenance in table.items():
        for provenance, cells in sorted(by_provenance.items()):
            print(f"{split:<6} {provenance:<{width}} " + " ".join(f"{cells[l]:>15}" for l in LABELS)
                  + f" {sum(cells.values()):>8}")


def cmd_data_stats(args: argparse.Namespace) -> None:
    from stance.dataset import counts, prepared_data

    prepared = prepared_data(Path(args.data) if args.data else None)
    print(f"dataset {args.data or paths.data_dir()} (fingerprint {prepared.fingerprint}; corpora "
          f"{', '.join(prepared.options.corpora)}; context claims {prepared.options.context_claims})")
    _print_counts(counts(prepared.data, by_corpus=args.by_corpus))


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
    from stance.evaluation.segmentation import measure

    result = measure(read_corpus("polnear", tuple(args.splits)))
    print(f"PolNeAR {','.join(args.splits)}: {result.attributions} attributions, {result.claims} claims")
    print(f"  whole attribution (source+cue+content) inside exactly one claim: {result.contained_rate:.1%}")
    print(f"  content span inside exactly one claim:                            {result.content_rate:.1%}")


def cmd_data_speakers(args: argparse.Namespace) -> None:
    from stance.corpora import read_corpus
    from stance.evaluation.speakers import measure_speakers

    result = measure_speakers(read_corpus("polnear", tuple(args.splits)))
    print(f"PolNeAR {','.join(args.splits)}: {result.claims} claims, {result.gold} with a gold Source span, "
          f"{result.predicted} with a predicted speaker")
    for name, hits in (("exact", result.exact), ("overlap", result.overlap)):
        precision, recall, f1 = result.f1(hits)
        print(f"  {name:<8} precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")


def cmd_data_weak(args: argparse.Namespace) -> None:
    from stance.evaluation.weak_report import print_weak_report

    print_weak_report(Path(args.data) if args.data else None, args.split)


def cmd_data_agreement(args: argparse.Namespace) -> None:
    from stance.labelling.agreement import agreement

    per_batch, totals, pairs = agreement()
    print(f"{'batch':<18} {'n':>5} {'agreement':>10} {'kappa':>7}")
    for row in [*per_batch, *totals]:
        kappa = "n/a" if row.kappa != row.kappa else f"{row.kappa:.3f}"  # nan: one label only
        print(f"{row.batch:<18} {row.n:>5} {row.observed:>10.1%} {kappa:>7}")
    print("\ndisagreements (first round -> blind second round):")
    for (first, second), n in pairs.most_common():
        if first != second:
            print(f"  {first:<15} -> {second:<15} {n}")


def cmd_annotate(args: argparse.Namespace) -> None:
    from stance.labelling.tool import run_annotation_tool

    run_annotation_tool(args)


def build_parser() -> argparse.ArgumentParser:
    from stance.claims.segment import DEFAULT_CONTEXT_CLAIMS
    from stance.corpora import DEFAULT_CORPORA

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
    train.add_argument("--data", help="prepared dataset directory (default: artifacts/data; (re)built when its "
                                      "inputs changed)")
    train.add_argument("--models", help="where saved models go (default: models/)")
    train.add_argument("--refit", action="store_true",
                       help="fit every model again, even when --models holds one fitted on the same config, seed "
                            "and data (default: such a model, or ensemble member, is loaded, then chosen an "
                            "inference path, calibrated and scored again: use --refit after changing training code)")
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
    evaluate.add_argument("--out", help="report directory root, a dated folder is made (default: experiments/reports)")
    evaluate.add_argument("--data", help="prepared dataset, for error analysis (default: artifacts/data)")
    evaluate.set_defaults(func=cmd_eval)

    predict = commands.add_parser(
        "predict", help="label the claims of new articles",
        description="Split articles into claims and label each. Inputs: .txt files, directories, JSONL "
                    "({\"id\", \"text\"} per line) or '-' for stdin. With --engine spark: a JSONL or Parquet "
                    "archive (files or directories of part files) labelled on Spark into a Parquet dataset.",
        epilog="Examples:\n  stance predict article.txt --model models/best\n"
               "  stance predict archive.parquet --engine spark --output labelled/ --model models/best\n"
               "  stance predict 'hdfs:///news/2024/' --engine spark --master yarn --output hdfs:///stance/2024/",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    predict.add_argument("inputs", nargs="+", help="article files, directories, JSONL files, or '-' "
                                                   "(--engine spark: JSONL or Parquet files or directories)")
    predict.add_argument("--model", default=os.environ.get("STANCE_MODEL") or str(paths.models_dir() / "best"),
                         help="model directory or MLflow model URI (default: $STANCE_MODEL, else models/best, "
                              "the champion linked by `stance train`)")
    predict.add_argument("--format", choices=("table", "jsonl", "csv", "html"), default=None,
                         help="output format (default: table; --engine local only)")
    predict.add_argument("--output", "-o", help="write here instead of stdout (written atomically); "
                                                "--engine spark: the output directory (required)")
    predict.add_argument("--min-precision", type=float, metavar="P",
                         help="label ACCUSATION/DENIAL only above the per-class thresholds that reached precision P "
                              "on gold dev (P one of 0.8, 0.9, 0.95; fewer, surer stance labels). Default: most "
                              "probable label (--engine local only)")
    predict.add_argument("--inference-path", choices=tuple(INFERENCE_PATHS),
                         help="transformer models: override the saved inference path (default: the model's own, "
                              "the first of int8, int8-outlier (outlier channels of the feed-forward outputs in "
                              "fp32), int8-partial (feed-forward outputs kept fp32) that kept gold dev macro-F1 "
                              "within 0.005 of fp32, else fp32; onnx needs onnxruntime; --engine local only)")
    predict.add_argument("--engine", choices=("local", "spark"), default="local",
                         help="local: this process (default); spark: a Spark job (pip install -e '.[spark]')")
    spark = predict.add_argument_group(
        "--engine spark", textwrap.fill(
        "Writes a Parquet dataset to --output: one row per claim with the columns of --format csv "
        "(article_id, claim_index, start, end, text, label, probability, p_<LABEL>, speaker, speaker_start, "
        "speaker_end) plus 'error' and 'bucket'. An article that cannot be labelled (text null, empty, not a "
        "string, too long, not JSON) or has no claim gets one row with claim_index null and the reason in "
        "'error' (null: no claim); the job goes on, then checks articles read against articles written and "
        "prints the counts. Output directories bucket=N (N = pmod(xxhash64(id), --buckets)) are written a few "
        "per Spark job; rerunning the same command skips buckets already complete. Under spark-submit the "
        "master and resources come from spark-submit.", 76))
    spark.add_argument("--master", help="Spark master URL (default: local[*], or spark-submit's --master)")
    spark.add_argument("--input-format", choices=("auto", "jsonl", "parquet"),
                       help="input format (default: auto, from file names: .jsonl/.json/.ndjson[.gz], .parquet)")
    spark.add_argument("--buckets", type=int, metavar="N", help="hash buckets of article ids, the unit of "
                       "resumption (default: 64; keep it for reruns into the same output)")
    spark.add_argument("--buckets-per-job", type=int, metavar="N",
                       help="buckets written per Spark job; a failure loses at most one job's work "
                            "(default: automatic, at most 8 jobs, each of at least 20,000 articles when the "
                            "input has that many: a small input is one job)")
    spark.add_argument("--partitions", type=int, metavar="N",
                       help="tasks per job (default: 2 x Spark's default parallelism, i.e. 2 per core)")
    spark.add_argument("--batch-articles", type=int, metavar="N",
                       help="articles per Arrow batch handed to the model (default: 256)")
    spark.add_argument("--max-bytes", type=int, metavar="N", help="longest article text in UTF-8 bytes; longer "
                       "ones get an error row (default: 20000000, the local engine's file limit)")
    predict.set_defaults(func=cmd_predict)

    data = commands.add_parser("data", help="prepare and inspect the dataset",
                               description="Build the claim dataset, verify corpora, measure segmentation.")
    data_commands = data.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    build = data_commands.add_parser("build", help="segment the corpora, attach gold/weak labels, save a DatasetDict")
    build.add_argument("--out", help="output directory (default: artifacts/data)")
    build.add_argument("--corpora", nargs="+", default=list(DEFAULT_CORPORA),
                       help=f"corpora to include (default: {' '.join(DEFAULT_CORPORA)})")
    build.add_argument("--context-claims", type=int, default=DEFAULT_CONTEXT_CLAIMS,
                       help=f"preceding claims kept as context (default {DEFAULT_CONTEXT_CLAIMS})")
    build.set_defaults(func=cmd_data_build)
    stats = data_commands.add_parser("stats", help="claims per split, provenance and label")
    stats.add_argument("--data", help="prepared dataset (default: artifacts/data)")
    stats.add_argument("--by-corpus", action="store_true", help="one row per corpus and provenance")
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
    weak.add_argument("--data", help="prepared dataset (default: artifacts/data)")
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
