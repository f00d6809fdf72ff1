"""How good are the weak labels? Each labelling function's coverage and accuracy on gold
claims, and the combined weak label's per-class precision/recall against gold."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from stance.evaluation import metrics
from stance.dataset import column
from stance.labels import LABELS
from stance.labelling.weak import LABELLING_FUNCTIONS, combine, votes


@dataclass(frozen=True)
class FunctionReport:
    name: str
    label: str
    coverage: float  # share of claims it votes on
    accuracy: float  # share of its votes that match gold
    votes: int


def labelling_function_reports(texts: list[str], gold: list[str]) -> tuple[list[FunctionReport], list[str]]:
    """Per-function reports, and the combined weak label of every claim."""
    all_votes = [votes(text) for text in texts]
    reports = []
    for lf in LABELLING_FUNCTIONS:
        fired = [(v[lf.name], g) for v, g in zip(all_votes, gold) if v[lf.name] is not None]
        correct = sum(vote == g for vote, g in fired)
        reports.append(FunctionReport(lf.name, lf.label, len(fired) / max(1, len(texts)),
                                      correct / len(fired) if fired else 0.0, len(fired)))
    return reports, [combine(v) for v in all_votes]


def print_weak_report(data_dir: Path | None, split: str = "dev") -> None:
    from stance.dataset import prepared_data

    part = prepared_data(data_dir).data[split].filter(lambda row: row["provenance"] == "gold")
    if len(part) == 0:
        print(f"no gold labels in the {split} split")
        return
    texts, gold = column(part, "text"), [LABELS[i] for i in column(part, "label")]
    reports, combined = labelling_function_reports(texts, gold)
    print(f"Labelling functions on {len(texts)} gold {split} claims")
    print(f"{'function':<18} {'votes':<15} {'coverage':>8} {'accuracy':>8} {'n':>6}")
    for r in reports:
        print(f"{r.name:<18} {r.label:<15} {r.coverage:>8.1%} {r.accuracy:>8.1%} {r.votes:>6}")
    print(f"\nCombined weak labels vs gold ({split}):")
    print(metrics.report(gold, combined))
