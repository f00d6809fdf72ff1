"""Typed dataclasses from plain mappings (YAML configs, JSON metadata).

A value of the wrong type or an unknown key fails with a message naming where it
came from (``configs/x.yaml: model.params.C: expected float, got 'high'``). Lists
become tuples so the dataclasses can stay frozen and hashable.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

from stance.errors import StanceError


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
