"""Write the annotation batches of the third gold round (guidelines v1.1) into .annotation/.

    python experiments/gold/make_batches_r3.py --champion models/mpnet-gold

Round 3 aims at denials, the class the round-2 champion is weakest on (test DENIAL F1
0.696) and the rarest in training (986 of 13,400 gold claims). 2,400 single training
claims not labelled before, 700 from world-news training articles and 1,700 from
PolNeAR and FNC-1, drawn per region by ``selection.training_claims`` in this order:

* ``denial-cue`` (share 0.4): every claim with denial-family vocabulary
  (``selection.DENIAL_CUES``, false friends such as "denied entry" included) while the
  pool lasts;
* ``uncertain`` (share 0.3): of a seeded random 3,000 of the other claims per region
  (scoring all 56,000 with the champion would take an hour on a 2-core CPU), those
  where the champion and the lexicon disagree, then the champion's smallest
  top-1/top-2 margin;
* ``random`` (the rest, at least 30%): a seeded uniform draw of the remaining claims.

The champion and the lexicon only choose what is read; annotators never see what
either predicted, nor a claim's stratum (``<batch>.strata.tsv``, beside the batch).
A blind re-label batch (relabel-r3-*) holds a seeded 6% of every batch.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from make_batches_r2 import candidates_of, champion_scores, write_training_batches

from stance.labelling.selection import DENIAL_CUES, SelectedClaim, training_claims
from stance.labelling.store import GOLD_DIR, read_directory

REGIONS = ((("newsdiscourse", "wikinews"), 700), (("polnear", "fnc1"), 1700))
SHARES = (0.4, 0.3, 0.3)
N_SCORED = 3000
SEED = 2028


def make_train(out: Path, champion: Path) -> None:
    already = {(g.article_id, g.start) for g in read_directory(GOLD_DIR)}
    chosen: list[tuple[str, SelectedClaim]] = []
    for corpora, n in REGIONS:
        candidates = candidates_of(corpora, already)
        others = [s for s in candidates if not DENIAL_CUES.search(s.claim.text)]
        scored = random.Random(SEED).sample(others, min(N_SCORED, len(others)))
        scores = champion_scores(champion, scored)
        picked = training_claims(candidates, scores, n, seed=SEED, shares=SHARES, pool=("denial-cue", DENIAL_CUES))
        print(f"{'+'.join(corpora)}: {len(candidates)} candidate claims, {len(picked)} chosen")
        chosen.extend(picked)
    write_training_batches(out, "r3", chosen, SEED)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(".annotation/batches"))
    parser.add_argument("--champion", type=Path, default=Path("models/mpnet-gold"))
    args = parser.parse_args()
    make_train(args.out, args.champion)


if __name__ == "__main__":
    main()
