"""Settings: one frozen dataclass per stage or step, filled from its params.yaml section.

Every settings class derives from `Settings`. Its fields carry their defaults and, as data,
the values they accept (`setting(3.0, above=0)`); `RELATIONS` orders two fields
(`("min_scan_dpi", "<=", "max_scan_dpi")`). `from_params` is the one way to fill a class
from params.yaml: an unknown key, a value of the wrong type or out of range raises
SettingsError naming the file, the key as params.yaml spells it (`extract.read.engine`)
and the value. A field that is itself a Settings class is its own sub-section.
"""

from __future__ import annotations

import dataclasses
import math
import operator
import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Self, TypeVar

from pipeline.core.errors import SettingsError
from pipeline.core.yamlfile import yaml_file_to_data

S = TypeVar("S", bound="Settings")
Value = Any
VALUE_SHOWN = 80  # characters of a bad value quoted in the error
COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
}


@dataclass(frozen=True)
class Accepts:
    """The values one setting accepts, beyond its type: `low <= v <= high`, `above < v <
    below`, one of `choices` (each item of a list), one of `also` whatever the range,
    distinct and non-empty items of a list, a mapping whose values are not all zero,
    text matching `pattern`."""

    low: float | None = None
    high: float | None = None
    above: float | None = None
    below: float | None = None
    choices: tuple[Any, ...] | None = None
    also: tuple[Any, ...] = ()
    distinct: bool = False
    nonempty: bool = False
    nonzero: bool = False
    pattern: str | None = None

    def problem(self, value: Any) -> str | None:
        """Given a value of the right type, return what is wrong with it, or None."""
        if isinstance(value, Mapping):
            items = list(value.values())
        elif isinstance(value, tuple):
            items = list(value)
        else:
            items = [value]
        if self.nonempty and not items:
            return "must not be empty"
        if self.distinct and len(set(items)) != len(items):
            return "must not repeat an item"
        if self.nonzero and not any(items):
            return "must not be all zero"
        for item in items:
            if item in self.also:
                continue
            if self.pattern is not None and not re.fullmatch(self.pattern, str(item)):
                return f"must read like {self.pattern}"
            if self.choices is not None and item not in self.choices:
                return f"must be one of {', '.join(map(str, self.choices))}"
            if isinstance(item, int | float) and (why := self.number_problem(float(item))):
                return why
        return None

    def number_problem(self, number: float) -> str | None:
        """Given a number, return the bound it breaks, or None."""
        also = f" (or {', '.join(map(str, self.also))})" if self.also else ""
        if self.low is not None and number < self.low:
            return f"must be >= {self.low:g}{also}"
        if self.high is not None and number > self.high:
            return f"must be <= {self.high:g}{also}"
        if self.above is not None and number <= self.above:
            return f"must be > {self.above:g}{also}"
        if self.below is not None and number >= self.below:
            return f"must be < {self.below:g}{also}"
        return None


def setting(default: Any = dataclasses.MISSING, *, factory: Any = None, **accepts: Any) -> Any:
    """Return a settings field with its default (or default factory) and what it accepts
    (the keywords of `Accepts`)."""
    metadata = {"accepts": Accepts(**accepts)}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class Settings:
    """Base of every settings class: checked when made, filled from params.yaml by
    `from_params`."""

    RELATIONS: ClassVar[tuple[tuple[str, str, str], ...]] = ()

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = value_to_typed(getattr(self, f.name), field_type(type(self), f.name), f.name)
            object.__setattr__(self, f.name, value)
            check_field(f, value, f.name)
        check_relations(type(self), lambda name: getattr(self, name), "")

    @classmethod
    def from_params(
        cls, params: Mapping[str, Any] | None, key: str = "", file: str | None = None
    ) -> Self:
        """Given a params.yaml section (None: all defaults), the key it sits under and the
        file, return the settings; raise SettingsError on any bad key or value."""
        try:
            return section_to_settings(cls, params, key)
        except SettingsError as error:
            raise dataclasses.replace(error, file=error.file or file) from error


def field_type(cls: type, name: str) -> Any:
    """Given a settings class and a field name, return the field's resolved type."""
    return typing.get_type_hints(cls)[name]


def key_of(prefix: str, name: str) -> str:
    """Given a section's key and a field name, return the field's params.yaml key."""
    return f"{prefix}.{name}" if prefix else name


def shown(value: Any) -> str:
    """Given a bad value, return it quoted for an error, cut to VALUE_SHOWN characters."""
    text = repr(value)
    return text if len(text) <= VALUE_SHOWN else text[: VALUE_SHOWN - 1] + "…"


def section_to_settings(cls: type[S], params: Any, key: str) -> S:
    """Given a settings class, its section and key, return the checked settings."""
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise SettingsError(
            "must be a section of settings (key: value)", field=key or None, value=shown(params)
        )
    names = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(str(k) for k in params if k not in names)
    if unknown:
        raise SettingsError(
            f"unknown setting; known: {', '.join(sorted(names))}",
            field=key_of(key, unknown[0]),
        )
    values: dict[str, Any] = {}
    for name, value in params.items():
        typ = field_type(cls, name)
        if isinstance(typ, type) and issubclass(typ, Settings):
            values[name] = section_to_settings(typ, value, key_of(key, name))
            continue
        values[name] = value_to_typed(value, typ, key_of(key, name))
        check_field(names[name], values[name], key_of(key, name), value)
    check_relations(
        cls, lambda name: values[name] if name in values else default_of(names[name]), key
    )
    return cls(**values)


def value_to_typed(value: Any, typ: Any, key: str) -> Any:
    """Given a value from params.yaml, the field's type and key, return the value as that
    type (an int where a float goes, a list where a tuple goes), or raise SettingsError."""
    origin, args = typing.get_origin(typ), typing.get_args(typ)
    if origin in (types.UnionType, typing.Union):
        if value is None and type(None) in args:
            return None
        kinds = [a for a in args if a is not type(None)]
        return value_to_typed(value, kinds[0], key)
    if typ is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SettingsError("must be a number", field=key, value=shown(value))
        if not math.isfinite(value):
            raise SettingsError("must be a finite number", field=key, value=shown(value))
        return float(value)
    if typ is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingsError("must be a whole number", field=key, value=shown(value))
        return value
    if typ is bool:
        if not isinstance(value, bool):
            raise SettingsError("must be true or false", field=key, value=shown(value))
        return value
    if typ is str:
        if not isinstance(value, str):
            raise SettingsError("must be text", field=key, value=shown(value))
        return value
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise SettingsError("must be a list", field=key, value=shown(value))
        return tuple(value_to_typed(v, args[0], key) for v in value)
    if origin in (Mapping, dict):
        if not isinstance(value, Mapping):
            raise SettingsError("must be a mapping (key: value)", field=key, value=shown(value))
        return types.MappingProxyType(
            {
                value_to_typed(k, args[0], key): value_to_typed(v, args[1], key)
                for k, v in value.items()
            }
        )
    if isinstance(typ, type) and issubclass(typ, Settings):
        if not isinstance(value, typ):
            raise SettingsError(f"must be a {typ.__name__}", field=key, value=shown(value))
        return value
    return value


def check_field(f: dataclasses.Field[Any], value: Any, key: str, given: Any = None) -> None:
    """Given a settings field, its typed value, its key and the value as given (quoted
    in the error), raise SettingsError when the value is not one the field accepts."""
    accepts = f.metadata.get("accepts")
    if accepts is None or value is None:
        return
    problem = accepts.problem(value)
    if problem:
        raise SettingsError(problem, field=key, value=shown(value if given is None else given))


def default_of(f: dataclasses.Field[Any]) -> Any:
    """Given a dataclass field, return its default value."""
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return f.default


def check_relations(cls: type[Settings], value_of: Callable[[str], Any], key: str) -> None:
    """Given a settings class, a function giving each field's value and the section's
    key, raise SettingsError when two fields are not in the order RELATIONS ask for."""
    for left, op, right in cls.RELATIONS:
        a, b = value_of(left), value_of(right)
        if not COMPARISONS[op](a, b):
            raise SettingsError(
                f"must be {op} {key_of(key, right)} ({b!r})",
                field=key_of(key, left),
                value=shown(a),
            )


def load_params(path: Path | None) -> dict[str, Any]:
    """Given a params.yaml path, return its mapping ({} when the file does not exist);
    raise SettingsError when it cannot be read as a mapping of sections."""
    if path is None or not path.exists():
        return {}
    data = yaml_file_to_data(path, SettingsError)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SettingsError("the params file must hold a mapping of sections", file=str(path))
    return data


def settings_from_file(cls: type[S], path: Path | None, section: str) -> S:
    """Given a settings class, a params.yaml path and the section to read, return the
    settings (all defaults when the file or section is absent)."""
    return cls.from_params(
        load_params(path).get(section), key=section, file=None if path is None else str(path)
    )
