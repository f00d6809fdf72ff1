"""``make bench``: throughput and peak memory of the trained models on this machine.

Measured in one run, side by side:

* raw encoder throughput of the transformer: pre-tokenized claims, length-sorted
  batches, forward pass only (claims/s);
* end-to-end ``predict_articles`` throughput over real articles (segmentation,
  tokenization, batching included) for every model given;
* every inference path the model offers (the fp32 PyTorch reference; int8 PyTorch with
  per-token scales: all layers, outlier channels apart (``int8-outlier``) and partial; ONNX
  Runtime fp32 and int8 when installed), with its dev macro-F1 next to the reference's and
  the path the saved model predicts with marked;
* for each path, how many labels change when each article is predicted on its own instead
  of in batches that span articles (none, for a batch-invariant path);
* the ceiling: mean tokens per claim, the machine's measured fp32 GEMM rate, the
  encoder's FLOPs per claim, the fp32 claims/s they imply, and each path as a share of it;
  beside it the GEMM rate at the encoder's own projection shapes (one batch of rows), which
  says how much of the gap is the shapes' rather than the code's.

Peak memory is the process's maximum resident set size after each step (it only
grows, so read it as "memory needed up to here").

With ``--spark`` (``make bench``) or ``--spark-only``: the Spark engine
(``stance predict --engine spark``) against the local engine on the same articles (one
JSONL file, ``--spark-articles`` PolNeAR articles): local with all cores and with one
thread, then Spark ``local[1]`` and ``local[2]``, each run twice (cold: Python workers
start and load the model; warm: workers reused). Spark times are the engine's own, from
counting the input to the verified output, without starting the JVM. The per-article
overhead is warm ``local[1]`` against the one-thread local engine, per article.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from stance import paths
from stance.claims.segment import context_of, segment
from stance.corpora import read_corpus
from stance.dataset import EvalSet, evaluation_set, prepared_data
from stance.evaluation import metrics
from stance.inference.predictor import Predictor, load


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def end_to_end(predictor, texts: list[str], repeats: int = 1) -> tuple[float, list[str]]:
    """Claims/s of ``predict_articles`` over ``texts``, and the labels it gave (article by article)."""
    predictor.predict_articles(texts[:5], progress=False)  # warm-up
    started = time.perf_counter()
    for _ in range(repeats):
        labels = [claim.label for article in predictor.predict_articles(texts, progress=False) for claim in article]
    return len(labels) * repeats / (time.perf_counter() - started), labels


def changed_by_batching(predictor, texts: list[str], batched: list[str]) -> int:
    """How many of the ``batched`` labels (``end_to_end``: claims of many articles per batch) change
    when each article is predicted on its own: a batch-invariant path changes none."""
    alone = [claim.label for text in texts for claim in predictor.predict_article(text)]
    return sum(a != b for a, b in zip(alone, batched, strict=True))


def end_to_end_checked(model, texts: list[str]) -> tuple[float, int, int]:
    """``end_to_end`` claims/s of ``model``, its number of claims, and the labels ``changed_by_batching``."""
    predictor = Predictor(model)
    throughput, labels = end_to_end(predictor, texts)
    return throughput, len(labels), changed_by_batching(predictor, texts, labels)


def raw_encoder(model, texts: list[str], contexts: list[str]) -> float | None:
    """Forward passes only, on pre-tokenized, length-sorted batches (None: no separable encoder)."""
    forward = model.forward_pass(texts[:64], contexts[:64])
    if forward is None:
        return None
    forward()  # warm-up
    forward = model.forward_pass(texts, contexts)
    started = time.perf_counter()
    forward()
    return len(texts) / (time.perf_counter() - started)


def article_claims(texts: list[str], context_claims: int) -> tuple[list[str], list[str]]:
    """The claims (and contexts) of ``texts``: the raw encoder sees exactly what end-to-end sees."""
    claims, contexts = [], []
    for text in texts:
        segmented = segment(text)
        claims += [c.text for c in segmented]
        contexts += [context_of(segmented, i, context_claims) for i in range(len(segmented))]
    return claims, contexts


def dev_macro_f1(model, dev: EvalSet) -> float:
    return metrics.scores(dev.labels, model.predict(dev.texts, dev.contexts))["macro_f1"]


def _best_seconds(run, repeats: int) -> float:
    run()  # warm-up
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def gemm_gflops(size: int = 1024, repeats: int = 20) -> float:
    """The machine's measured fp32 matrix-multiply rate (PyTorch, all threads): best of ``repeats``."""
    import torch

    a, b = torch.randn(size, size), torch.randn(size, size)
    return 2 * size**3 / _best_seconds(lambda: torch.matmul(a, b), repeats) / 1e9


def gemm_gflops_at(rows: int, projections: list[tuple[int, int, int]], repeats: int = 10) -> float:
    """The fp32 GEMM rate at a model's own shapes: ``rows`` x in through each of its ``projections``
    (in, out, count) as ``nn.Linear`` computes it, weighted by FLOPs. Narrow layers (MiniLM's 384)
    run below the square-matrix rate: this says how much of the gap to the ceiling is the shapes'."""
    import torch
    from torch.nn.functional import linear

    counts: Counter[tuple[int, int]] = Counter()
    for width_in, width_out, count in projections:
        counts[width_in, width_out] += count
    flops = seconds = 0.0
    for (width_in, width_out), count in counts.items():
        x, weight, bias = torch.randn(rows, width_in), torch.randn(width_out, width_in), torch.randn(width_out)
        flops += count * 2 * rows * width_in * width_out
        seconds += count * _best_seconds(lambda: linear(x, weight, bias), repeats)  # noqa: B023 (called at once)
    return flops / seconds / 1e9


def spark_engine(location: str, articles: list[tuple[str, str]], masters=("local[1]", "local[2]")) -> None:
    """Claims/s of the local engine and of the Spark engine on ``articles`` (id, text), printed."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        print("\nskipping the Spark engine: pyspark is not installed (make spark-setup)")
        return
    from stance.inference.spark import SparkOptions, run

    texts, ids = [t for _, t in articles], [i for i, _ in articles]
    predictor = load(location)
    predictor.predict_articles(texts[:5], progress=False)  # warm-up
    started = time.perf_counter()
    local = {(c.article_id, c.claim_index): c for cs in predictor.predict_articles(texts, ids=ids, progress=False)
             for c in cs}
    local_all = time.perf_counter() - started
    claims = len(local)
    local_one = local_all
    rows = [("local engine, all cores", claims / local_all, None)]
    torch = sys.modules.get("torch")
    if torch is not None:  # a one-thread local engine, to compare with one Spark core
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        started = time.perf_counter()
        predictor.predict_articles(texts, ids=ids, progress=False)
        local_one = time.perf_counter() - started
        torch.set_num_threads(threads)
        rows.append(("local engine, 1 thread", claims / local_one, None))
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    quiet = lambda *a, **k: None  # noqa: E731
    with tempfile.TemporaryDirectory() as tmp:
        source, tiny = Path(tmp) / "articles.jsonl", Path(tmp) / "tiny.jsonl"
        source.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in articles))
        tiny.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in articles[:2]))
        warm_rate = {}
        for master in masters:
            name = master.replace("[", "").replace("]", "")  # Spark reads [] in paths as wildcards
            spark = SparkSession.builder.master(master).appName("stance bench").getOrCreate()
            spark.sparkContext.setLogLevel("ERROR")
            seconds = {}
            for attempt in ("cold", "warm"):
                summary = run(SparkOptions([str(source)], f"{tmp}/{name}-{attempt}", location), log=quiet)
                assert summary.total.claims == claims and summary.total.failed == 0
                seconds[attempt] = summary.seconds
                rows.append([f"Spark {master}, {attempt}", summary.claims_per_second, f"{summary.seconds:.1f} s"])
            if master == masters[0]:  # the Spark output is the local engine's
                import pyarrow.dataset as ds

                out = ds.dataset(f"{tmp}/{name}-warm", format="parquet", partitioning="hive").to_table().to_pylist()
                same = {(r["article_id"], r["claim_index"]): r for r in out}.keys() == local.keys()
                labels = sum(r["label"] != local[r["article_id"], r["claim_index"]].label for r in out)
                delta = max(abs(r[f"p_{l}"] - p) for r in out
                            for l, p in local[r["article_id"], r["claim_index"]].probabilities.items())
                agreement = (f"Spark output = local engine output: claims {'identical' if same else 'DIFFER'}, "
                             f"{labels} labels differ, max |p difference| {delta:.1e}")
            warm_rate[master] = rows[-1][1]
            fixed = run(SparkOptions([str(tiny)], f"{tmp}/{name}-tiny", location), log=quiet).seconds
            rows[-1][2] += f"; fixed cost per run {fixed:.1f} s (2 articles)"
            if master == "local[1]":
                total = (seconds["warm"] - local_one) / len(articles) * 1000
                marginal = (seconds["warm"] - fixed - local_one) / len(articles) * 1000
                rows[-1][2] += (f"; overhead vs local 1 thread {total:+.1f} ms/article, {marginal:+.1f} ms/article "
                                f"beyond the fixed cost")
            elif "local[1]" in warm_rate:
                rows[-1][2] += f"; {warm_rate[master] / warm_rate['local[1]']:.2f}x local[1]"
            spark.stop()
    print(f"\n{location}: {len(articles)} PolNeAR articles ({claims} claims), one JSONL file; Spark engine with "
          f"its defaults; Spark times from counting the input to the verified output (no JVM start)\n")
    print(f"{'engine':<28} {'claims/s':>9}  note")
    for name, throughput, note in rows:
        print(f"{name:<28} {throughput:>9.1f}  {note or ''}")
    print(agreement)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="+", default=[str(paths.models_dir() / name) for name in
                                                        ("tfidf-logreg", "minilm-claim", "minilm-gold", "mpnet-gold")])
    parser.add_argument("--articles", type=int, default=60, help="PolNeAR test articles used end to end")
    parser.add_argument("--spark", action="store_true", help="also the Spark engine against the local engine")
    parser.add_argument("--spark-only", action="store_true", help="only the Spark engine section")
    parser.add_argument("--spark-model", help="model for the Spark section (default: the first of --models found)")
    parser.add_argument("--spark-articles", type=int, default=200,
                        help="PolNeAR articles (test, dev, then train) for the Spark section (default: 200)")
    args = parser.parse_args(argv)
    if not args.spark_only:
        models(args)
    if args.spark or args.spark_only:
        location = args.spark_model or next((m for m in args.models if Path(m).exists()), None)
        if location is None:
            print("skipping the Spark engine: no trained model (run make train)")
            return
        articles = [(a.id, a.text) for a in read_corpus("polnear", ("test", "dev", "train"))][: args.spark_articles]
        spark_engine(location, articles)


def models(args: argparse.Namespace) -> None:
    """Encoder, end-to-end and quantized throughput of every model in ``args.models``."""
    texts = [a.text for a in read_corpus("polnear", ("test",))][: args.articles]
    dev = evaluation_set(prepared_data().data, "dev", ("polnear", "fnc1", "newsdiscourse", "wikinews"))
    gflops = gemm_gflops()
    rows, ceilings, batching = [], [], []
    for location in args.models:
        if not Path(location).exists():
            print(f"skipping {location}: not trained (run make train)")
            continue
        saved = load(location).model
        variants = saved.inference_variants()
        model = variants.pop("fp32", saved)  # the reference every speed-up and dev loss is measured against
        default = f" (the model's default path: {saved.inference_path})" if saved.inference_path else ""
        claim_texts, contexts = article_claims(texts, model.context_claims)
        throughput, claims, changed = end_to_end_checked(model, texts)
        batching.append((location, "fp32" if variants else "its only path", changed))
        cost = model.inference_cost(claim_texts, contexts)
        ceiling = gflops / cost["gflop_per_claim"] if cost else None
        if cost:
            ceilings.append(f"{location}: {cost['tokens_per_claim']:.1f} tokens per claim, "
                            f"{cost['gflop_per_claim']:.3f} GFLOP per claim -> fp32 ceiling {ceiling:.0f} claims/s")
            if cost.get("projections") and cost.get("batch_tokens"):
                at_shapes = gemm_gflops_at(cost["batch_tokens"], cost["projections"])
                ceilings.append(f"  its projections as GEMMs of {cost['batch_tokens']} rows (one batch) run at "
                                f"{at_shapes:.0f} GFLOP/s: {at_shapes / cost['gflop_per_claim']:.0f} claims/s "
                                f"at its own shapes, {at_shapes / gflops:.0%} of the ceiling")
        share = lambda rate: f"; {rate / ceiling:.0%} of the fp32 ceiling" if ceiling else ""  # noqa: E731
        rows.append((location, "end-to-end fp32" if variants else "end-to-end", throughput, peak_mb(),
                     share(throughput).lstrip("; ") or None))
        raw = raw_encoder(model, claim_texts, contexts)
        if raw is not None:
            rows.append((location, "raw encoder", raw, peak_mb(), share(raw).lstrip("; ")))
            rows[-2] = (*rows[-2][:4], f"{throughput / raw:.0%} of raw{share(throughput)}")
        reference_f1 = dev_macro_f1(model, dev) if variants else None
        for name, variant in variants.items():
            faster, _, changed = end_to_end_checked(variant, texts)
            batching.append((location, name, changed))
            rows.append((location, f"end-to-end {name}", faster, peak_mb(),
                         f"{faster / throughput:.2f}x fp32 end-to-end; dev macro-F1 {dev_macro_f1(variant, dev):.3f} "
                         f"vs {reference_f1:.3f}{share(faster)}{default if name == saved.inference_path else ''}"))
    print(f"\n{len(texts)} PolNeAR test articles ({claims} claims): end to end from raw text, and the raw encoder "
          f"on the same claims pre-tokenized. Measured fp32 GEMM rate: {gflops:.0f} GFLOP/s")
    for line in ceilings:
        print("  " + line)
    print(f"\n{'model':<36} {'path':<20} {'claims/s':>9} {'peak MB':>8}  note")
    for location, path, throughput, memory, note in rows:
        print(f"{Path(location).name:<36} {path:<20} {throughput:>9.1f} {memory:>8.0f}  {note or ''}")
    print(f"\nLabels (of {claims}) that change when each article is predicted alone instead of in batches "
          f"across articles (0: the path is batch-invariant):")
    for location, path, changed in batching:
        print(f"  {Path(location).name} {path}: {changed}")


if __name__ == "__main__":
    main()
