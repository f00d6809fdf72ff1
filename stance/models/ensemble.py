"""Several models behind the one interface: probabilities averaged over members.

Members are any registered model types (different seeds of one recipe, or different
encoders), each fitted on the same claims. Saved as one directory: ``members/0``,
``members/1``... are ordinary saved models, so ``stance.load`` of an ensemble works like
any model. Calibration (temperature, thresholds) applies to the averaged probabilities.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from stance.errors import StanceError
from stance.models.base import StanceModel


@dataclass(frozen=True)
class EnsembleParams:
    # each member: {"type": <model type>, "params": {...}, "seed": int}; seed defaults to the ensemble's + index
    members: tuple[dict[str, Any], ...] = field(default_factory=tuple)


class EnsembleModel(StanceModel):
    type_name = "ensemble"
    Params = EnsembleParams
    fitted_attribute = "members"
    members: list[StanceModel] | None = None

    def _build_members(self) -> list[StanceModel]:
        from stance.models import model_class

        if not self.params.members:
            raise StanceError("model.params.members: an ensemble needs at least one member")
        built = []
        for index, spec in enumerate(self.params.members):
            where = f"model.params.members[{index}]"
            if "type" not in spec:
                raise StanceError(f"{where}: missing 'type'")
            cls = model_class(spec["type"])
            built.append(cls(cls.params_from_dict(spec.get("params", {}), f"{where}.params"),
                             seed=spec.get("seed", self.seed + index), labels=self.labels,
                             context_claims=self.context_claims))
        return built

    def fit(self, texts, labels, contexts=None, dev=None):
        members = self._build_members()
        for index, member in enumerate(members):
            fitted = self.fitted_lookup(member, texts, labels, contexts, dev) if self.fitted_lookup else None
            if fitted is not None:
                members[index] = fitted
                continue
            member.epoch_callback = self.epoch_callback
            member.fit(texts, labels, contexts, dev)
        self.members = members
        return self

    def _predict_proba(self, texts, contexts=None):
        # members' own calibration is not fitted (the ensemble's is): average their raw probabilities
        return np.mean([member.predict_proba(texts, contexts) for member in self.members], axis=0)

    def calibrate_int8(self, texts, contexts=None):
        for member in self.members:
            member.calibrate_int8(texts, contexts)

    def _save_weights(self, directory: Path) -> None:
        for index, member in enumerate(self.members):
            member.save(directory / "members" / str(index))

    def _load_weights(self, directory: Path) -> None:
        count = len(self.params.members)
        paths = [directory / "members" / str(i) for i in range(count)]
        missing = [p for p in paths if not p.is_dir()]
        if missing:
            raise StanceError(f"{missing[0]}: missing ensemble member ({count} expected)")
        self.members = [StanceModel.load(p) for p in paths]

    def inference_cost(self, texts, contexts=None):
        costs = [member.inference_cost(texts, contexts) for member in self.members]
        if any(cost is None for cost in costs):
            return None
        return {"tokens_per_claim": costs[0]["tokens_per_claim"], "gflop_per_claim": sum(c["gflop_per_claim"] for c in costs),
                "projections": [shape for cost in costs for shape in cost.get("projections", [])],
                "batch_tokens": costs[0].get("batch_tokens")}

    @property
    def inference_path(self):
        paths = {member.inference_path for member in self.members}
        return paths.pop() if len(paths) == 1 else None

    def inference_variants(self):
        variants: dict[str, StanceModel] = {}
        per_member = [m.inference_variants() for m in self.members]
        shared = [name for name in per_member[0] if all(name in v for v in per_member)] if per_member else []
        for name in shared:
            variant = EnsembleModel(self.params, self.seed, self.labels, self.context_claims)
            variant.members = [v[name] for v in per_member]
            variants[name] = self._share_fitted_state(variant)
        return variants
