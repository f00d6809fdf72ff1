"""Experiment configs: YAML files loaded into typed dataclasses.

Unknown keys and values of the wrong type fail with a message naming the file and
the key (``configs/x.yaml: model.params.C: expected a number, got 'high'``).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from stance.errors import StanceError

PROVENANCES = ("gold", "weak")


@dataclass(frozen=True)
class DataConfig:
    corpora: tuple[str, ...] = ("polnear", "fnc1")
    train_provenance: tuple[str, ...] = ("gold", "weak")  # which labels the model learns from
    max_weak_train: int | None = None  # cap on weak training claims (random, seeded); None = all
    gold_repeat: int = 1  # each gold training claim counts this many times (weak labels far outnumber gold)
    context_claims: int = 2  # preceding claims given as context


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


def _type_name(annotation: Any) -> str:
    return getattr(annotation, "__name__", str(annotation))


def _coerce(value: Any, annotation: Any, where: str) -> Any:
    """Check ``value`` against a (simple) type annotation, converting lists to tuples."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(annotation)
        if value is None and type(None) in options:
            return None
        for option in options:
            if option is type(None):
                continue
            try:
                return _coerce(value, option, where)
            except StanceError:
                continue
        raise StanceError(f"{where}: expected {' or '.join(_type_name(o) for o in options)}, got {value!r}")
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            raise StanceError(f"{where}: expected a list, got {value!r}")
        (item_type, _ellipsis) = typing.get_args(annotation)
        return tuple(_coerce(v, item_type, f"{where}[{i}]") for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise StanceError(f"{where}: expected a mapping, got {value!r}")
        return dict(value)
    if dataclasses.is_dataclass(annotation):
        return from_dict(annotation, value, where)
    if annotation is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if annotation is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if annotation in (str, bool) and isinstance(value, annotation):
        return value
    if annotation is Any:
        return value
    raise StanceError(f"{where}: expected {_type_name(annotation)}, got {value!r}")


def from_dict(cls: type, data: Any, where: str) -> Any:
    """Build dataclass ``cls`` from a mapping, rejecting unknown keys and bad types."""
    if not isinstance(data, dict):
        raise StanceError(f"{where}: expected a mapping, got {data!r}")
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls) if f.name != "path"}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise StanceError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(known)})")
    values = {}
    for name, spec in known.items():
        if name in data:
            values[name] = _coerce(data[name], hints[name], f"{where}.{name}" if where else name)
        elif spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING:
            raise StanceError(f"{where}: missing required key {name!r}")
    return cls(**values)


def _validate(config: ExperimentConfig, where: str) -> None:
    from stance.corpora import READERS
    from stance.models import MODEL_TYPES, model_class

    for provenance in config.data.train_provenance:
        if provenance not in PROVENANCES:
            raise StanceError(f"{where}: data.train_provenance: {provenance!r} is not one of {PROVENANCES}")
    for corpus in config.data.corpora:
        if corpus not in READERS:
            raise StanceError(f"{where}: data.corpora: unknown corpus {corpus!r} (known: {', '.join(READERS)})")
    if config.model.type not in MODEL_TYPES:
        raise StanceError(f"{where}: model.type: unknown model {config.model.type!r} (known: {', '.join(MODEL_TYPES)})")
    model_class(config.model.type).params_from_dict(config.model.params, f"{where}: model.params")


def load_config(path: str | Path) -> ExperimentConfig:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StanceError(f"{path}: config file not found") from None
    except yaml.YAMLError as exc:
        raise StanceError(f"{path}: not valid YAML ({exc})".replace("\n", " ")) from None
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
