"""``make bench``: throughput and peak memory of the trained models on this machine.

Measured in one run, side by side:

* raw encoder throughput of the transformer: pre-tokenized claims, length-sorted
  batches, forward pass only (claims/s);
* end-to-end ``predict_articles`` throughput over real articles (segmentation,
  tokenization, batching included) for every model given;
* each faster inference variant the model offers (int8 PyTorch; ONNX Runtime fp32 and
  int8 when installed), with its dev macro-F1 next to the reference;
* the ceiling: mean tokens per claim, the machine's measured fp32 GEMM rate, the
  encoder's FLOPs per claim, the fp32 claims/s they imply, and each path as a share of it.

Peak memory is the process's maximum resident set size after each step (it only
grows, so read it as "memory needed up to here").
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from stance import paths
from stance.claims.segment import context_of, segment
from stance.corpora import read_corpus
from stance.dataset import EvalSet, evaluation_set, prepared_data
from stance.evaluation import metrics
from stance.inference.predictor import Predictor, load


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def end_to_end(predictor, texts: list[str], repeats: int = 1) -> tuple[float, int]:
    predictor.predict_articles(texts[:5], progress=False)  # warm-up
    started = time.perf_counter()
    for _ in range(repeats):
        claims = sum(len(c) for c in predictor.predict_articles(texts, progress=False))
    return claims * repeats / (time.perf_counter() - started), claims


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


def gemm_gflops(size: int = 1024, repeats: int = 20) -> float:
    """The machine's measured fp32 matrix-multiply rate (PyTorch, all threads): best of ``repeats``."""
    import torch

    a, b = torch.randn(size, size), torch.randn(size, size)
    torch.matmul(a, b)  # warm-up
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        torch.matmul(a, b)
        best = min(best, time.perf_counter() - started)
    return 2 * size**3 / best / 1e9


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="+", default=[str(paths.models_dir() / name) for name in
                                                        ("tfidf-logreg", "minilm-claim", "minilm-gold")])
    parser.add_argument("--articles", type=int, default=60, help="PolNeAR test articles used end to end")
    args = parser.parse_args(argv)

    texts = [a.text for a in read_corpus("polnear", ("test",))][: args.articles]
    dev = evaluation_set(prepared_data().data, "dev", ("polnear", "fnc1", "newsdiscourse", "wikinews"))
    gflops = gemm_gflops()
    rows, ceilings = [], []
    for location in args.models:
        if not Path(location).exists():
            print(f"skipping {location}: not trained (run make train)")
            continue
        predictor = load(location)
        model = predictor.model
        claim_texts, contexts = article_claims(texts, model.context_claims)
        throughput, claims = end_to_end(predictor, texts)
        cost = model.inference_cost(claim_texts, contexts)
        ceiling = gflops / cost["gflop_per_claim"] if cost else None
        if cost:
            ceilings.append(f"{location}: {cost['tokens_per_claim']:.1f} tokens per claim, "
                            f"{cost['gflop_per_claim']:.3f} GFLOP per claim -> fp32 ceiling {ceiling:.0f} claims/s")
        share = lambda rate: f"; {rate / ceiling:.0%} of the fp32 ceiling" if ceiling else ""  # noqa: E731
        rows.append((location, "end-to-end", throughput, peak_mb(), share(throughput).lstrip("; ") or None))
        raw = raw_encoder(model, claim_texts, contexts)
        if raw is not None:
            rows.append((location, "raw encoder", raw, peak_mb(), share(raw).lstrip("; ")))
            rows[-2] = (*rows[-2][:4], f"{throughput / raw:.0%} of raw{share(throughput)}")
        variants = model.inference_variants()
        reference_f1 = dev_macro_f1(model, dev) if variants else None
        for name, variant in variants.items():
            faster, _ = end_to_end(Predictor(variant), texts)
            rows.append((location, f"end-to-end {name}", faster, peak_mb(),
                         f"{faster / throughput:.2f}x fp32 end-to-end; dev macro-F1 {dev_macro_f1(variant, dev):.3f} "
                         f"vs {reference_f1:.3f}{share(faster)}"))
    print(f"\n{len(texts)} PolNeAR test articles ({claims} claims): end to end from raw text, and the raw encoder "
          f"on the same claims pre-tokenized. Measured fp32 GEMM rate: {gflops:.0f} GFLOP/s")
    for line in ceilings:
        print("  " + line)
    print(f"\n{'model':<36} {'path':<20} {'claims/s':>9} {'peak MB':>8}  note")
    for location, path, throughput, memory, note in rows:
        print(f"{Path(location).name:<36} {path:<20} {throughput:>9.1f} {memory:>8.0f}  {note or ''}")


if __name__ == "__main__":
    main()
