"""Write .device-carry/ for experiments/device/run.py (see README.md beside this file).

    python experiments/device/export.py [--suites sweep learning-curve]
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from stance import paths
from stance.dataset import evaluation_set, prepared_data, training_rows
from stance.experiment.config import load_config, suite_configs
from stance.experiment.run import selection
from stance.models.encoders import resolve_encoder

CARRY = paths.project_root() / ".device-carry"


def export_encoder(target: Path) -> None:
    """The packaged MiniLM with fp16 weights (half the bytes); run.py casts back to fp32."""
    source = Path(resolve_encoder("packaged:all-MiniLM-L6-v2"))
    target.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"):
        shutil.copy(source / name, target / name)
    weights = {k: v.to(torch.float16) if v.is_floating_point() else v
               for k, v in load_file(source / "model.safetensors").items()}
    save_file(weights, target / "model.safetensors")
    config = json.loads((source / "config.json").read_text())
    config.update(dtype="float32", torch_dtype="float32")  # load (and train) in fp32 despite fp16 storage
    (target / "config.json").write_text(json.dumps(config, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suites", nargs="+", default=["sweep", "learning-curve"])
    args = parser.parse_args()
    prepared = prepared_data()
    data = prepared.data
    rows: dict[str, list] = {}
    runs = []
    for suite in args.suites:
        for path in suite_configs(suite):
            config = load_config(path)
            train = training_rows(data, selection(config))
            columns = train.select_columns(["id", "text", "context", "label", "corpus", "article_id"]).to_dict()
            for values in zip(*columns.values()):
                rows[values[0]] = list(values[1:])
            runs.append({"suite": suite, "name": config.name, "path": str(path.relative_to(paths.project_root())),
                         "seed": config.seed, "params": config.model.params, "train": columns["id"]})
            print(f"{suite}/{config.name}: {len(train)} training claims")
    corpora = load_config(paths.project_root() / "configs" / "minilm-gold.yaml").data.corpora
    splits = {}
    for split in ("dev", "test"):
        evaluation = evaluation_set(data, split, corpora)
        splits[split] = evaluation.ids
        part = data[split].select_columns(["id", "text", "context", "label", "corpus", "article_id"]).to_dict()
        by_id = {values[0]: values[1:] for values in zip(*part.values())}
        for claim_id in evaluation.ids:
            rows[claim_id] = list(by_id[claim_id])
    CARRY.mkdir(exist_ok=True)
    payload = {"fingerprint": prepared.fingerprint, "context_claims": prepared.options.context_claims,
               "rows": rows, "runs": runs, "dev": splits["dev"], "test": splits["test"]}
    with gzip.open(CARRY / "data.json.gz", "wt", encoding="utf-8") as handle:
        json.dump(payload, handle)
    export_encoder(CARRY / "encoder")
    size = sum(p.stat().st_size for p in CARRY.rglob("*") if p.is_file()) / 2**20
    print(f"{CARRY}: {len(rows)} claims, {len(runs)} runs, {size:.1f} MiB")


if __name__ == "__main__":
    main()
