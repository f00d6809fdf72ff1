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
import dataclasses
import resource
import time
from pathlib import Path

from stance import metrics
from stance.corpora import read_corpus
from stance.dataset import column, context_of
from stance.experiment import DEFAULT_DATA_DIR, prepared_data
from stance.labels import LABELS
from stance.predict import load
from stance.segment import segment


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def end_to_end(predictor, texts: list[str], repeats: int = 1) -> tuple[float, int]:
    predictor.predict_articles(texts[:5], progress=False)  # warm-up
    started = time.perf_counter()
    for _ in range(repeats):
        claims = sum(len(c) for c in predictor.predict_articles(texts, progress=False))
    return claims * repeats / (time.perf_counter() - started), claims


def raw_encoder(model, texts: list[str], contexts: list[str]) -> float:
    """Forward passes only, on pre-tokenized, length-sorted batches."""
    import torch

    batches = [batch for _, batch in model.length_sorted_batches(texts, contexts)]  # tokenized before timing
    network = model._inference_network()
    with torch.inference_mode():
        network(**batches[0])  # warm-up
        started = time.perf_counter()
        for batch in batches:
            network(**batch)
    return len(texts) / (time.perf_counter() - started)


def article_claims(texts: list[str], context_claims: int) -> tuple[list[str], list[str]]:
    """The claims (and contexts) of ``texts``: the raw encoder sees exactly what end-to-end sees."""
    claims, contexts = [], []
    for text in texts:
        segmented = segment(text)
        claims += [c.text for c in segmented]
        contexts += [context_of(segmented, i, context_claims) for i in range(len(segmented))]
    return claims, contexts


def dev_macro_f1(model, data) -> float:
    dev = data["dev"].filter(lambda row: row["provenance"] == "gold")
    probabilities = model.predict_proba(column(dev, "text"), column(dev, "context"))
    predicted = [model.labels[i] for i in probabilities.argmax(axis=1)]
    return metrics.scores([LABELS[i] for i in column(dev, "label")], predicted)["macro_f1"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="+", default=["models/tfidf-logreg", "models/minilm-context",
                                                        "models/minilm-claim"])
    parser.add_argument("--articles", type=int, default=60, help="PolNeAR test articles used end to end")
    args = parser.parse_args(argv)

    texts = [a.text for a in read_corpus("polnear", ("test",))][: args.articles]
    data, _ = prepared_data(DEFAULT_DATA_DIR)
    rows = []
    for location in args.models:
        if not Path(location).exists():
            print(f"skipping {location}: not trained (run make train)")
            continue
        predictor = load(location)
        model = predictor.model
        throughput, claims = end_to_end(predictor, texts)
        rows.append((location, "end-to-end", throughput, peak_mb(), None))
        if model.type_name == "transformer":
            raw = raw_encoder(model, *article_claims(texts, model.context_claims))
            rows.append((location, "raw encoder", raw, peak_mb(), None))
            rows[-2] = (*rows[-2][:4], f"{throughput / raw:.0%} of raw")
            fp32_f1 = dev_macro_f1(model, data)
            model.params = dataclasses.replace(model.params, quantize_int8=True)
            model._quantized = None
            quantized, _ = end_to_end(predictor, texts)
            int8_f1 = dev_macro_f1(model, data)
            rows.append((location, "end-to-end int8", quantized, peak_mb(),
                         f"{quantized / throughput:.2f}x fp32; dev macro-F1 {int8_f1:.3f} vs fp32 {fp32_f1:.3f}"))
    print(f"\n{len(texts)} PolNeAR test articles ({claims} claims): end to end from raw text, and the raw encoder "
          f"on the same claims pre-tokenized\n")
    print(f"{'model':<24} {'path':<16} {'claims/s':>9} {'peak MB':>8}  note")
    for location, path, throughput, memory, note in rows:
        print(f"{location:<24} {path:<16} {throughput:>9.1f} {memory:>8.0f}  {note or ''}")


if __name__ == "__main__":
    main()
