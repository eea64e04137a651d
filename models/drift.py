"""Schema drift: what a validated study holds that the spec does not describe.

Two kinds, both kept in the model (and in its dump), and listed here so a run can count them:

* ``unknown_field``: a key the spec does not define, at any depth (kept via ``extra="allow"``);
  its content is not walked, the item names the key.
* ``unknown_enum``: a value of an enum field the spec does not list (kept as a pseudo-member of
  the :class:`~models.base.OpenStrEnum`).

Each item carries the JSON pointer (RFC 6901) of the key or value in the registry's record.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, TypeGuard

from pydantic import BaseModel

from models.base import OpenStrEnum
from models.json_pointer import escape_token

DriftKind = Literal["unknown_field", "unknown_enum"]


@dataclass(frozen=True, slots=True)
class DriftItem:
    """One piece of schema drift: where (JSON pointer), what kind, and the key or enum value."""

    path: str
    kind: DriftKind
    value: str


def find_drift(model: BaseModel) -> list[DriftItem]:
    """Every unknown field and unknown enum value in ``model``, in document order.

    >>> from models.generated import DesignModule
    >>> find_drift(DesignModule.model_validate({"phases": ["PHASE5"], "extra": 1}))
    [DriftItem(path='/phases/0', kind='unknown_enum', value='PHASE5'), \
DriftItem(path='/extra', kind='unknown_field', value='extra')]
    """
    return walk(model).drift


@dataclass(frozen=True, slots=True)
class NameCollision:
    """An unknown key spelled like a field's Python name (``has_results`` beside the field
    aliased ``hasResults``). pydantic then counts that field as set even when the record did
    not set it, so a dump would add it as null; :mod:`models.study` unmarks it."""

    model: BaseModel
    field_name: str
    location: tuple[str | int, ...]
    """Keys and indexes from the record's root to the object that held the key."""


@dataclass(frozen=True, slots=True)
class Walk:
    drift: list[DriftItem]
    collisions: list[NameCollision]


def walk(model: BaseModel) -> Walk:
    """Find the drift in ``model`` and any :class:`NameCollision`, in one pass."""
    found = Walk([], [])
    _visit_model(model, None, found)
    return found


_Location = tuple["_Location", str | int] | None
"""A location built as (parent, token) pairs while walking; joined only when drift is found."""


# How `_visit_model` walks a field, decided once per class by `_walk_plan`. Plain ints rather
# than an Enum: member access on a 3.11 Enum costs ~70 ns, a third of the walk.
_LEAF_MODEL = 0  # a model none of whose fields can hold a model or an enum
_LEAF_MODEL_LIST = 1
_MODEL = 2
_MODEL_LIST = 3
_ENUM = 4
_ENUM_LIST = 5


def _visit_model(model: BaseModel, path: _Location, found: Walk) -> None:
    values = model.__dict__
    for name, key, kind, members in _walk_plan(type(model)):
        value = values.get(name)
        if value is None:
            continue
        here = (path, key)
        if kind == _LEAF_MODEL:
            if value.__pydantic_extra__:
                _add_extras(value, here, found)
        elif kind == _LEAF_MODEL_LIST:
            for index, item in enumerate(value):
                if item.__pydantic_extra__:
                    _add_extras(item, (here, index), found)
        elif kind == _MODEL:
            _visit_model(value, here, found)
        elif kind == _MODEL_LIST:
            for index, item in enumerate(value):
                _visit_model(item, (here, index), found)
        elif kind == _ENUM:
            if members.get(value) is not value:
                found.drift.append(DriftItem(_pointer(here), "unknown_enum", value.value))
        elif kind == _ENUM_LIST:
            for index, item in enumerate(value):
                if members.get(item) is not item:
                    found.drift.append(
                        DriftItem(_pointer((here, index)), "unknown_enum", item.value)
                    )
    if model.__pydantic_extra__:
        _add_extras(model, path, found)


def _add_extras(model: BaseModel, path: _Location, found: Walk) -> None:
    fields = type(model).model_fields
    for key in model.__pydantic_extra__ or ():
        found.drift.append(DriftItem(_pointer((path, key)), "unknown_field", key))
        if key in fields:
            found.collisions.append(NameCollision(model, key, _tokens(path)))


def _tokens(path: _Location) -> tuple[str | int, ...]:
    tokens: list[str | int] = []
    while path is not None:
        path, key = path
        tokens.append(key)
    return tuple(reversed(tokens))


def _pointer(path: _Location) -> str:
    return "".join(f"/{escape_token(token)}" for token in _tokens(path))


_PlanStep = tuple[str, str, int, Mapping[str, Any]]
"""(attribute, JSON key, kind, the enum's members by value, or {} when not an enum)."""


@cache
def _walk_plan(model_class: type[BaseModel]) -> tuple[_PlanStep, ...]:
    """The fields of ``model_class`` that can hold a model or an enum, the only ones worth
    visiting, with how to walk each. Computed once per class, so the walk does no type checks;
    an enum value is unknown when its enum's ``_value2member_map_`` does not hold it (a
    pseudo-member equals its string but is not the member stored there)."""
    plan = []
    for name, field in model_class.model_fields.items():
        kind = _kind(model_class, name, field.annotation)
        if kind is not None:
            plan.append((name, field.alias or name, kind, _enum_members(field.annotation)))
    return tuple(plan)


def _enum_members(annotation: Any) -> Mapping[str, Any]:
    enums = [leaf for leaf in _type_leaves(annotation) if _is_open_enum(leaf)]
    return enums[0]._value2member_map_ if len(enums) == 1 else {}


def _kind(model_class: type[BaseModel], name: str, annotation: Any) -> int | None:
    """How to walk a field's value, from its annotation; None when it holds no model or enum.

    Generated fields are ``X | None`` or ``list[X] | None``; any other shape holding a model or
    an enum is refused here, when the first study is parsed, rather than walked wrongly.
    """
    branches = [arg for arg in _union_members(annotation) if arg is not type(None)]
    if not any(_holds_walkable(branch) for branch in branches):
        return None
    branch = branches[0] if len(branches) == 1 else None
    if typing.get_origin(branch) is list:
        (item,) = typing.get_args(branch)
        if _is_model(item):
            return _LEAF_MODEL_LIST if _is_leaf(item) else _MODEL_LIST
        if _is_open_enum(item):
            return _ENUM_LIST
    elif _is_model(branch):
        return _LEAF_MODEL if _is_leaf(branch) else _MODEL
    elif _is_open_enum(branch):
        return _ENUM
    raise TypeError(
        f"drift walk cannot follow {model_class.__name__}.{name}: {annotation}; "
        "teach models/drift.py this field shape"
    )


def _is_leaf(model_class: type[BaseModel]) -> bool:
    """True when no field of ``model_class`` can hold a model or an enum: only its own extra
    keys can be drift, so the walk checks them in place instead of calling itself."""
    return not any(_holds_walkable(field.annotation) for field in model_class.model_fields.values())


def _holds_walkable(annotation: Any) -> bool:
    return any(_is_walkable(leaf) for leaf in _type_leaves(annotation))


def _union_members(annotation: Any) -> tuple[Any, ...]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return typing.get_args(annotation)
    return (annotation,)


def _type_leaves(annotation: Any) -> Iterator[Any]:
    """The innermost types of an annotation: ``list[Phase] | None`` gives Phase and NoneType."""
    args = typing.get_args(annotation)
    if not args:
        yield annotation
        return
    for arg in args:
        yield from _type_leaves(arg)


def _is_model(leaf: Any) -> TypeGuard[type[BaseModel]]:
    return isinstance(leaf, type) and issubclass(leaf, BaseModel)


def _is_open_enum(leaf: Any) -> TypeGuard[type[OpenStrEnum]]:
    return isinstance(leaf, type) and issubclass(leaf, OpenStrEnum)


def _is_walkable(leaf: Any) -> bool:
    return _is_model(leaf) or _is_open_enum(leaf)
