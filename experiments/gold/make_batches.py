"""Write the annotation batches of the first gold round (v1) into .annotation/ (git-ignored).

This is the record of how the gold corpus was sampled; rerunning it reproduces the
same batches. The selection rule is documented in stance/annotation/selection.py.

    python experiments/gold/make_batches.py [--out .annotation/batches]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from stance.labelling.batches import write_article_batch, write_claim_batch
from stance.labelling.selection import enrichment_claims, rank_articles, rank_by_denial_density
from stance.corpora import read_corpus
from stance.corpora.fnc1 import disagree_body_ids

N_POLNEAR_TEST, N_FNC1_TEST, N_POLNEAR_DEV, N_ENRICHMENT = 60, 70, 40, 1000
RELABEL_SHARE, SEED = 0.10, 2026


def chunks(items: list, n: int) -> list[list]:
    size = -(-len(items) // n)
    return [items[i : i + size] for i in range(0, len(items), size)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(".annotation/batches"))
    args = parser.parse_args()

    polnear_test = rank_articles(read_corpus("polnear", ("test",)), N_POLNEAR_TEST)
    disputed = disagree_body_ids()
    fnc1_test = rank_by_denial_density(
        (a for a in read_corpus("fnc1", ("test",)) if a.id.split(":", 1)[1] in disputed), N_FNC1_TEST
    )
    polnear_dev = rank_articles(read_corpus("polnear", ("dev",)), N_POLNEAR_DEV)
    training = [*read_corpus("polnear", ("train",)), *read_corpus("fnc1", ("train",))]
    enrichment = enrichment_claims(training, N_ENRICHMENT)

    plan = {}
    for offset, group in enumerate(chunks(polnear_test, 3)):
        plan[f"test-polnear-{offset + 1}"] = group
    for offset, group in enumerate(chunks(fnc1_test, 2)):
        plan[f"test-fnc1-{offset + 1}"] = group
    for offset, group in enumerate(chunks(polnear_dev, 2)):
        plan[f"dev-polnear-{offset + 1}"] = group

    rng = random.Random(SEED)
    relabel = []
    for batch, articles in plan.items():
        items = write_article_batch(args.out, batch, articles)
        relabel.extend(rng.sample(items, round(len(items) * RELABEL_SHARE)))
        print(f"{batch}: {len(articles)} articles, {len(items)} claims")
    for offset, group in enumerate(chunks(enrichment, 2)):
        batch = f"train-enrich-{offset + 1}"
        items = write_claim_batch(args.out, batch, [(s.article, s.claim) for s in group])
        relabel.extend(rng.sample(items, round(len(items) * RELABEL_SHARE)))
        print(f"{batch}: {len(items)} claims")

    rng.shuffle(relabel)
    for offset, group in enumerate(chunks(relabel, 2)):
        write_claim_batch(args.out, f"relabel-{offset + 1}", [(i.article, i.claim) for i in group])
        print(f"relabel-{offset + 1}: {len(group)} claims")


if __name__ == "__main__":
    main()
