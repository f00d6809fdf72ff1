"""``make bench``: throughput and peak memory of the trained models on this machine.

Measured in one run, side by side:

* raw encoder throughput of the transformer: pre-tokenized claims, length-sorted
  batches, forward pass only (claims/s);
* end-to-end ``predict_articles`` throughput over real articles (segmentation,
  tokenization, batching included) for every model given;
* the same end-to-end path with int8 dynamic quantization, and its dev macro-F1 next
  to fp32 (quantization must not cost accuracy).

Peak memory is the process's maximum resident set size after each step (it only
grows, so read it as "memory needed up to here").
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="+", default=["models/tfidf-logreg", "models/minilm-context",
                                                        "models/minilm-claim"])
    parser.add_argument("--articles", type=int, default=60, help="PolNeAR test articles used end to end")
    args = parser.parse_args(argv)

    texts = [a.text for a in read_corpus("polnear", ("test",))][: args.articles]
    dev = evaluation_set(prepared_data().data, "dev", ("polnear", "fnc1"))
    rows = []
    for location in args.models:
        if not Path(location).exists():
            print(f"skipping {location}: not trained (run make train)")
            continue
        predictor = load(location)
        model = predictor.model
        throughput, claims = end_to_end(predictor, texts)
        rows.append((location, "end-to-end", throughput, peak_mb(), None))
        raw = raw_encoder(model, *article_claims(texts, model.context_claims))
        if raw is not None:
            rows.append((location, "raw encoder", raw, peak_mb(), None))
            rows[-2] = (*rows[-2][:4], f"{throughput / raw:.0%} of raw")
        variants = model.inference_variants()
        if variants:
            reference_f1 = dev_macro_f1(model, dev)
        for name, variant in variants.items():
            faster, _ = end_to_end(Predictor(variant), texts)
            rows.append((location, f"end-to-end {name}", faster, peak_mb(),
                         f"{faster / throughput:.2f}x; dev macro-F1 {dev_macro_f1(variant, dev):.3f} vs {reference_f1:.3f}"))
    print(f"\n{len(texts)} PolNeAR test articles ({claims} claims): end to end from raw text, and the raw encoder "
          f"on the same claims pre-tokenized\n")
    print(f"{'model':<24} {'path':<16} {'claims/s':>9} {'peak MB':>8}  note")
    for location, path, throughput, memory, note in rows:
        print(f"{location:<24} {path:<16} {throughput:>9.1f} {memory:>8.0f}  {note or ''}")


if __name__ == "__main__":
    main()
