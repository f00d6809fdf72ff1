"""On the GPU machine: the sweep, the choice on dev, then the learning curve (README.md here).

    python experiments/device/run.py .device-carry $OUT [--only NAME ... --recipe SWEEP_NAME]

``--only`` reruns some learning-curve points with the recipe of a finished sweep run
(``--recipe``), e.g. after a run was cut off by the device time limit.

Writes $OUT/results.jsonl, one line per finished run (appended as each run ends, so a run
cut off by the time limit still returns what finished).
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import time
from pathlib import Path

import torch

from stance.evaluation.metrics import scores
from stance.labels import LABELS
from stance.models.transformer import TransformerModel


def train_and_score(payload: dict, run: dict, params: dict, encoder: Path, out: Path) -> dict:
    rows = payload["rows"]
    texts = lambda ids: [rows[i][0] for i in ids]  # noqa: E731
    contexts = lambda ids: [rows[i][1] for i in ids]  # noqa: E731
    labels = lambda ids: [LABELS[rows[i][2]] for i in ids]  # noqa: E731
    model_params = TransformerModel.params_from_dict({**params, "encoder": str(encoder)})
    # fp32 training as on a CPU (bf16 would change the numbers the CPU reproduces)
    model = TransformerModel(dataclasses.replace(model_params, bf16=False), seed=run["seed"],
                             context_claims=payload["context_claims"])
    started = time.perf_counter()
    model.fit(texts(run["train"]), labels(run["train"]), contexts(run["train"]),
              dev=(texts(payload["dev"]), labels(payload["dev"]), contexts(payload["dev"])))
    seconds = time.perf_counter() - started
    result = {**{k: run[k] for k in ("suite", "name", "path", "seed")}, "params": params,
              "n_train": len(run["train"]), "fit_seconds": seconds, "history": model.history,
              "device": torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu"}
    for split in ("dev", "test"):
        probabilities = model.predict_proba(texts(payload[split]), contexts(payload[split]))
        result[f"{split}_probabilities"] = [[round(float(p), 6) for p in row] for row in probabilities]
        result[f"{split}_macro_f1"] = scores(labels(payload[split]),
                                             [LABELS[i] for i in probabilities.argmax(axis=1)])["macro_f1"]
    with open(out / "results.jsonl", "a", encoding="utf-8") as handle:
        handle.write(json.dumps(result) + "\n")
    print(f"{run['suite']}/{run['name']}: n={len(run['train'])} dev {result['dev_macro_f1']:.3f} "
          f"test {result['test_macro_f1']:.3f} ({seconds:.0f}s)", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("carry", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--only", nargs="+", help="learning-curve runs to (re)run, skipping the sweep")
    parser.add_argument("--recipe", help="with --only: the sweep run whose model params the curve uses")
    args = parser.parse_args()
    with gzip.open(args.carry / "data.json.gz", "rt", encoding="utf-8") as handle:
        payload = json.load(handle)
    encoder = args.carry / "encoder"
    if args.only:
        recipe = next(r["params"] for r in payload["runs"] if r["name"] == args.recipe)
        for run in (r for r in payload["runs"] if r["name"] in args.only):
            train_and_score(payload, run, recipe, encoder, args.out)
        return
    sweep = [r for r in payload["runs"] if r["suite"] == "sweep"]
    results = [train_and_score(payload, run, run["params"], encoder, args.out) for run in sweep]
    # the recipe for the curve: best dev macro-F1 among sweep runs that learn from gold only
    gold_only = [r for r in results if r["name"] != "sweep-weak"] or results
    best = max(gold_only, key=lambda r: r["dev_macro_f1"])
    print(f"chosen on dev: {best['name']} {best['params']}", flush=True)
    for run in (r for r in payload["runs"] if r["suite"] == "learning-curve"):
        train_and_score(payload, run, best["params"], encoder, args.out)


if __name__ == "__main__":
    main()
