"""Write the annotation batches of the second gold round (guidelines v1.1) into .annotation/.

Two steps, each reproducible (seeded; same corpora, same batches):

    python experiments/gold/make_batches_r2.py eval
        world-news test (120 articles) and dev (60 articles), every claim of each
        (test-world-*, dev-world-*), chosen by ``selection.world_eval_articles``.

    python experiments/gold/make_batches_r2.py train --champion models/minilm-claim
        12,400 single training claims (train-r2-*): 4,400 from world-news training
        articles and 8,000 from PolNeAR and FNC-1 training articles, drawn by
        ``selection.training_claims`` (30% hard negatives, 30% champion-uncertain or
        champion/lexicon disagreement, 40% random). The champion and the lexicon
        only rank candidates; no annotator sees what either predicted.

Each step also writes a blind re-label batch (relabel-r2-*) holding a seeded 6% of
every batch it wrote, to be labelled by a different annotator. The stratum of every
selected claim is written to ``<batch>.strata.tsv`` beside the batch (never shown to
annotators).
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

from stance.labelling.batches import BatchItem, write_article_batch, write_claim_batch
from stance.labelling.selection import ClaimScore, SelectedClaim, training_claims, world_eval_articles
from stance.labelling.store import read_directory, GOLD_DIR
from stance.corpora import read_corpus
from stance.claims.segment import segment
from stance.labelling.weak import weak_label

WORLD = ("newsdiscourse", "wikinews")
N_TEST_PER_SOURCE, N_DEV_PER_SOURCE = 40, 20
N_TRAIN_WORLD, N_TRAIN_US = 4400, 8000
BATCH_SIZE = 620
RELABEL_SHARE = 0.06
SEED = 2027


def chunks(items: list, size: int) -> list[list]:
    n = max(1, round(len(items) / size))
    step = -(-len(items) // n)
    return [items[i : i + step] for i in range(0, len(items), step)]


def relabel_sample(rng: random.Random, items: list[BatchItem]) -> list[BatchItem]:
    return rng.sample(items, max(1, round(len(items) * RELABEL_SHARE)))


def write_relabel(out: Path, name: str, items: list[BatchItem], rng: random.Random) -> None:
    rng.shuffle(items)
    for number, group in enumerate(chunks(items, BATCH_SIZE), start=1):
        group = sorted(group, key=lambda i: (i.article.id, i.claim.start))
        write_claim_batch(out, f"{name}-{number}", [(i.article, i.claim) for i in group])
        print(f"{name}-{number}: {len(group)} claims")


def make_eval(out: Path) -> None:
    rng = random.Random(SEED)
    relabel: list[BatchItem] = []
    for split, per_source, n_batches in (("test", N_TEST_PER_SOURCE, 4), ("dev", N_DEV_PER_SOURCE, 2)):
        articles = world_eval_articles(
            (a for name in WORLD for a in read_corpus(name, (split,))), per_source, seed=SEED
        )
        random.Random(SEED).shuffle(articles)  # mix sources across batches
        step = -(-len(articles) // n_batches)
        for number in range(n_batches):
            batch = f"{split}-world-{number + 1}"
            group = sorted(articles[number * step : (number + 1) * step], key=lambda a: a.id)
            items = write_article_batch(out, batch, group)
            relabel.extend(relabel_sample(rng, items))
            print(f"{batch}: {len(group)} articles, {len(items)} claims")
    write_relabel(out, "relabel-r2-eval", relabel, rng)


def champion_scores(model_dir: Path, candidates: list[SelectedClaim]) -> dict[tuple[str, int], ClaimScore]:
    import numpy as np

    import stance

    model = stance.load(model_dir)
    proba = model.predict_proba([s.claim.text for s in candidates])
    ordered = np.sort(proba, axis=1)
    labels = [model.labels[i] for i in proba.argmax(axis=1)]
    return {
        (s.article.id, s.claim.start): ClaimScore(float(top[-1] - top[-2]), label != weak_label(s.claim.text))
        for s, top, label in zip(candidates, ordered, labels)
    }


def candidates_of(corpora: tuple[str, ...], exclude: set[tuple[str, int]]) -> list[SelectedClaim]:
    return [
        SelectedClaim(article, claim, index)
        for name in corpora
        for article in read_corpus(name, ("train",))
        for index, claim in enumerate(segment(article.text))
        if (article.id, claim.start) not in exclude
    ]


def make_train(out: Path, champion: Path) -> None:
    already = {(g.article_id, g.start) for g in read_directory(GOLD_DIR)}
    chosen: list[tuple[str, SelectedClaim]] = []
    for corpora, n in ((WORLD, N_TRAIN_WORLD), (("polnear", "fnc1"), N_TRAIN_US)):
        candidates = candidates_of(corpora, already)
        scores = champion_scores(champion, candidates)
        picked = training_claims(candidates, scores, n, seed=SEED)
        print(f"{'+'.join(corpora)}: {len(candidates)} candidate claims, {len(picked)} chosen")
        chosen.extend(picked)
    write_training_batches(out, "r2", chosen, SEED)


def write_training_batches(out: Path, round_name: str, chosen: list[tuple[str, SelectedClaim]], seed: int) -> None:
    """train-<round>-NN batches of the (stratum, claim) pairs, each with its strata file, and the
    blind re-label batches relabel-<round>-train-N holding a seeded share of every batch."""
    rng = random.Random(seed)
    rng.shuffle(chosen)  # strata and corpora mixed in every batch
    relabel: list[BatchItem] = []
    for number, group in enumerate(chunks(chosen, BATCH_SIZE), start=1):
        batch = f"train-{round_name}-{number:02d}"
        group = sorted(group, key=lambda pair: (pair[1].article.id, pair[1].claim.start))
        items = write_claim_batch(out, batch, [(s.article, s.claim) for _, s in group])
        with open(out / f"{batch}.strata.tsv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
            for item, (stratum, _) in zip(items, group):
                writer.writerow([item.id, item.article.id, item.claim.start, item.claim.end, stratum])
        relabel.extend(relabel_sample(rng, items))
        print(f"{batch}: {len(items)} claims")
    write_relabel(out, f"relabel-{round_name}-train", relabel, rng)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=("eval", "train"))
    parser.add_argument("--out", type=Path, default=Path(".annotation/batches"))
    parser.add_argument("--champion", type=Path, default=Path("models/minilm-claim"))
    args = parser.parse_args()
    if args.step == "eval":
        make_eval(args.out)
    else:
        make_train(args.out, args.champion)


if __name__ == "__main__":
    main()
