"""Experiment configs: YAML files loaded into typed dataclasses, and named suites of them.

Unknown keys and values of the wrong type fail with a message naming the file and
the key (``configs/x.yaml: model.params.C: expected a number, got 'high'``).

A config may start from another: ``base: minilm-claim.yaml`` (a path relative to the
config) loads that one first and merges this file's keys into it, mappings key by key,
so a variant states only what it changes. Suites (``experiments/suites.yaml``) name
lists of configs for ``stance train --suite NAME``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from stance.coerce import from_dict
from stance.errors import StanceError

PROVENANCES = ("gold", "weak")


@dataclass(frozen=True)
class DataConfig:
    corpora: tuple[str, ...] = ("polnear", "fnc1", "newsdiscourse", "wikinews")  # scored on these (and trained on them unless train_corpora)
    train_provenance: tuple[str, ...] = ("gold", "weak")  # which labels the model learns from
    max_weak_train: int | None = None  # cap on weak training claims (random, seeded); None = all
    max_gold_train: int | None = None  # cap on gold training claims (random, seeded): learning curves
    gold_batches: tuple[str, ...] = ()  # train only on gold of these batches (glob patterns); () = all
    train_corpora: tuple[str, ...] | None = None  # corpora the model learns from; None = ``corpora``
    gold_repeat: int = 1  # each gold training claim counts this many times (weak labels far outnumber gold)
    context_claims: int | None = None  # preceding claims given as context; None: as the dataset was built


@dataclass(frozen=True)
class ModelConfig:
    type: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ExperimentConfig:
    name: str
    model: ModelConfig
    data: DataConfig = DataConfig()
    seed: int = 13
    description: str = ""
    path: str = ""  # where the config was read from (not a YAML key)


def _validate(config: ExperimentConfig, where: str) -> None:
    from stance.corpora import READERS
    from stance.models import MODEL_TYPES, model_class

    for provenance in config.data.train_provenance:
        if provenance not in PROVENANCES:
            raise StanceError(f"{where}: data.train_provenance: {provenance!r} is not one of {PROVENANCES}")
    for corpus in (*config.data.corpora, *(config.data.train_corpora or ())):
        if corpus not in READERS:
            raise StanceError(f"{where}: data.corpora: unknown corpus {corpus!r} (known: {', '.join(READERS)})")
    if config.model.type not in MODEL_TYPES:
        raise StanceError(f"{where}: model.type: unknown model {config.model.type!r} (known: {', '.join(MODEL_TYPES)})")
    model_class(config.model.type).params_from_dict(config.model.params, f"{where}: model.params")


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StanceError(f"{path}: config file not found") from None
    except yaml.YAMLError as exc:
        raise StanceError(f"{path}: not valid YAML ({exc})".replace("\n", " ")) from None


def _merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        merged[key] = _merge(merged[key], value) if isinstance(value, dict) and isinstance(merged.get(key), dict) else value
    return merged


def _raw_config(path: Path, seen: tuple[Path, ...] = ()) -> dict:
    """The config's mapping with its ``base:`` chain merged in (a cycle is an error)."""
    if path.resolve() in seen:
        raise StanceError(f"{path}: `base:` chain loops back to itself")
    raw = _read_yaml(path)
    if not isinstance(raw, dict):
        raise StanceError(f"{path}: expected a mapping at the top level")
    base = raw.pop("base", None)
    if base is None:
        return raw
    if not isinstance(base, str):
        raise StanceError(f"{path}: base: expected a config path, got {base!r}")
    return _merge(_raw_config(path.parent / base, (*seen, path.resolve())), raw)


def _expand_members(raw: dict, path: Path) -> dict:
    """An ensemble member may name a config (``{config: minilm-gold.yaml, seed: 14}``): its model
    section is copied in, so the ensemble states a recipe once."""
    members = raw.get("model", {}).get("params", {}).get("members")
    if not isinstance(members, list):
        return raw
    expanded = []
    for member in members:
        if isinstance(member, dict) and "config" in member:
            model = _raw_config(path.parent / member["config"]).get("model", {})
            member = {"type": model.get("type"), "params": model.get("params", {}),
                      **{k: v for k, v in member.items() if k != "config"}}
        expanded.append(member)
    return _merge(raw, {"model": {"params": {"members": expanded}}})


def load_config(path: str | Path) -> ExperimentConfig:
    path = Path(path)
    raw = _expand_members(_raw_config(path), path)
    config = from_dict(ExperimentConfig, raw, str(path))
    config = dataclasses.replace(config, path=str(path))
    _validate(config, str(path))
    return config


def to_flat_params(config: ExperimentConfig) -> dict[str, str]:
    """Config as flat ``section.key`` strings, the form MLflow params take."""
    flat: dict[str, str] = {}

    def walk(prefix: str, value: Any) -> None:
        if dataclasses.is_dataclass(value):
            value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{prefix}.{key}" if prefix else key, item)
        else:
            flat[prefix] = ",".join(map(str, value)) if isinstance(value, tuple) else str(value)

    walk("", config)
    flat.pop("path", None)
    return flat


def suite_configs(name: str, suites_file: Path | None = None) -> list[Path]:
    """The config paths of suite ``name`` (paths in the file are relative to the project root)."""
    from stance import paths

    suites_file = suites_file or paths.suites_file()
    try:
        suites = yaml.safe_load(suites_file.read_text())
    except FileNotFoundError:
        raise StanceError(f"{suites_file}: not found (pass config files instead)") from None
    if name not in suites:
        raise StanceError(f"{suites_file}: no suite {name!r} (known: {', '.join(suites)})")
    return [paths.project_root() / p for p in suites[name]]
