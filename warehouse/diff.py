"""Field-level diffs between two versions of a study record, and their exact replay.

Generic row-versioning only says *that* a record changed. Here every difference is one
:class:`Change` with a path, an op and the value before and after, and lists of objects are
matched by their natural keys (a site by facility, city and country; an arm group by label...)
so that a reordered list is not a change and a site whose status moved is one change on that
site's ``status``, not a removal plus an addition.

>>> old = {"conditions": ["Asthma"], "locations": [{"facility": "A", "city": "X", "country": "Y"}]}
>>> new = {"conditions": ["Asthma", "COPD"],
...        "locations": [{"facility": "A", "city": "X", "country": "Y", "status": "RECRUITING"}]}
>>> [(c.path, c.op, c.new) for c in diff_records(old, new)]
[('/conditions/1', 'added', 'COPD'), ('/locations/0/status', 'added', 'RECRUITING')]
>>> apply_changes(old, diff_records(old, new)) == new
True

Path format (see docs/changes.md): an RFC 6901 JSON pointer. Every list index is the element's
index in the version where it exists: the *old* index for a ``removed`` element, the *new* index
everywhere else. ``reordered`` carries the order of the surviving elements; it is needed to
replay a diff exactly but is not a user-facing change (see :func:`user_facing`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Literal, TypeAlias

from models.json_pointer import escape_token, split_pointer

JsonValue: TypeAlias = Any
"""A value parsed from JSON: dict, list, str, int, float, bool or None."""

Op = Literal["added", "removed", "changed", "reordered"]
USER_FACING_OPS: frozenset[Op] = frozenset({"added", "removed", "changed"})

KeySpec = tuple[tuple[str, ...], ...]
"""Alternative natural keys of a list's elements: the first alternative the element has wins."""

NATURAL_KEYS: dict[str, KeySpec] = {
    # protocolSection
    "secondaryIdInfos": (("id",),),
    "collaborators": (("name",),),
    "armGroups": (("label",),),
    "interventions": (("type", "name"),),
    "primaryOutcomes": (("measure",),),
    "secondaryOutcomes": (("measure",),),
    "otherOutcomes": (("measure",),),
    "centralContacts": (("name", "role"),),
    "overallOfficials": (("name", "role"),),
    "locations": (("facility", "city", "country"),),
    "contacts": (("name", "role"),),
    "references": (("pmid",), ("citation",)),
    "retractions": (("pmid",),),
    "seeAlsoLinks": (("url",),),
    "availIpds": (("id", "type"),),
    # resultsSection
    "groups": (("id",),),
    "eventGroups": (("id",),),
    "periods": (("title",),),
    "milestones": (("type",),),
    "dropWithdraws": (("type",),),
    "achievements": (("groupId",),),
    "reasons": (("groupId",),),
    "measures": (("title",),),
    "outcomeMeasures": (("type", "title"),),
    "denoms": (("units",),),
    "counts": (("groupId",),),
    "classes": (("title",),),
    "categories": (("title",),),
    "measurements": (("groupId",),),
    "seriousEvents": (("term", "organSystem"),),
    "otherEvents": (("term", "organSystem"),),
    "stats": (("groupId",),),
    # annotation, document and derived sections
    "unpostedEvents": (("type", "date"),),
    "violationEvents": (("type", "creationDate"),),
    "submissionInfos": (("releaseDate",),),
    "largeDocs": (("filename",),),
    "meshes": (("id",),),
    "ancestors": (("id",),),
    "browseLeaves": (("id",),),
    "browseBranches": (("abbrev",),),
}
"""Natural keys of lists of objects, by the list's field name (the names are unambiguous in the
registry schema: every ``groups`` list is keyed by ``id``, every ``stats`` by ``groupId``).
Lists of plain values compare as multisets; other lists of objects fall back to
identity-then-position matching (see :func:`match_list`)."""

_MISSING: Any = object()


@dataclass(frozen=True)
class Change:
    """One difference between two versions of a record.

    ``old`` is None for ``added`` and ``new`` is None for ``removed``; for ``changed`` both are
    the values as they were (a JSON ``null`` stays None, the op tells the cases apart).
    ``key`` is the natural key of the innermost keyed list element the path goes through
    (e.g. ``{"facility": ..., "city": ..., "country": ...}``), None outside keyed lists.
    ``label`` is the path for humans: field names joined by dots, list elements shown by
    their key values (``locations[Mayo Clinic | Rochester | United States].status``) or
    by ``[index]`` when they have no key. ``keyed_path`` is the same path as a pointer whose
    keyed list elements are named by their key values instead of their positions
    (``/…/locations[Mayo Clinic|Rochester|United States]/status``); elements of unkeyed lists
    keep their index. It is stable across versions where ``path``'s indices are not.
    """

    path: str
    op: Op
    old: JsonValue
    new: JsonValue
    key: dict[str, JsonValue] | None = None
    label: str = ""
    keyed_path: str = ""

    @property
    def is_user_facing(self) -> bool:
        """False for ``reordered``, which only carries list order for :func:`apply_changes`."""
        return self.op in USER_FACING_OPS

    @property
    def position(self) -> int | None:
        """The index of the innermost list element on ``path``, or None outside lists."""
        for token in reversed(split_pointer(self.path)):
            if token.isdigit():
                return int(token)
        return None

    def as_json(self) -> dict[str, JsonValue]:
        """The change as the documented JSON object (docs/changes.md): ``path`` (keyed),
        ``pointer`` and ``position`` (positional), ``label``, ``op``, ``old``, ``new``."""
        return {
            "path": self.keyed_path or self.path,
            "pointer": self.path,
            "position": self.position,
            "label": self.label,
            "op": self.op,
            "old": self.old,
            "new": self.new,
        }


@dataclass
class ListMatch:
    """How the elements of two versions of a list correspond.

    ``pairs`` are ``(old_index, new_index)`` sorted by new index; ``removed`` are old indices
    and ``added`` new indices without a partner.
    """

    pairs: list[tuple[int, int]] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    added: list[int] = field(default_factory=list)


def diff_records(old: dict[str, JsonValue], new: dict[str, JsonValue]) -> list[Change]:
    """Every difference from ``old`` to ``new``, in document order of ``new``.

    Includes ``reordered`` ops (needed by :func:`apply_changes`); filter them with
    :func:`user_facing` for display.
    """
    out: list[Change] = []
    _diff_value(old, new, "", "", "", None, None, out)
    return out


def user_facing(changes: Iterable[Change]) -> list[Change]:
    """The changes a reader cares about: ``reordered`` dropped."""
    return [change for change in changes if change.is_user_facing]


def natural_key(element: JsonValue, list_field: str | None) -> dict[str, JsonValue] | None:
    """The natural key of ``element`` in the list named ``list_field``, or None if it has none."""
    spec = NATURAL_KEYS.get(list_field or "")
    if spec is None or not isinstance(element, dict):
        return None
    for alternative in spec:
        if any(name in element for name in alternative):
            return {name: element.get(name) for name in alternative}
    return None


def match_list(
    old: Sequence[JsonValue], new: Sequence[JsonValue], list_field: str | None
) -> ListMatch:
    """Pair the elements of two versions of a list.

    Keyed elements pair by natural key; the k-th element with a key in ``old`` pairs with the
    k-th one with that key in ``new`` (so duplicate keys degrade to a multiset). Elements
    without a key (plain values, or objects whose list has no key) first pair with an equal
    element (again k-th with k-th); leftover objects then pair by position among the leftovers,
    so an edited element of an unkeyed list is a change inside it rather than remove + add.
    Plain values never pair unless equal: such lists behave as multisets.
    """
    return _match_keyed(
        old,
        new,
        [natural_key(element, list_field) for element in old],
        [natural_key(element, list_field) for element in new],
    )


def _match_keyed(
    old: Sequence[JsonValue],
    new: Sequence[JsonValue],
    old_keys: Sequence[dict[str, JsonValue] | None],
    new_keys: Sequence[dict[str, JsonValue] | None],
) -> ListMatch:
    """:func:`match_list` with each element's natural key already computed."""
    old_slots: dict[Hashable, list[int]] = defaultdict(list)
    for index, element in enumerate(old):
        old_slots[_match_token(element, old_keys[index])].append(index)
    taken: dict[Hashable, int] = defaultdict(int)
    pairs: list[tuple[int, int]] = []
    unmatched_new: list[int] = []
    for index, element in enumerate(new):
        token = _match_token(element, new_keys[index])
        slots = old_slots.get(token)
        position = taken[token]
        if slots is not None and position < len(slots):
            pairs.append((slots[position], index))
            taken[token] = position + 1
        else:
            unmatched_new.append(index)
    paired_old = {old_index for old_index, _ in pairs}
    unmatched_old = [index for index in range(len(old)) if index not in paired_old]

    leftover_old = [i for i in unmatched_old if _is_unkeyed_object(old[i], old_keys[i])]
    leftover_new = [j for j in unmatched_new if _is_unkeyed_object(new[j], new_keys[j])]
    positional = list(zip(leftover_old, leftover_new, strict=False))
    if positional:
        pairs.extend(positional)
        pairs.sort(key=lambda pair: pair[1])
        used_old = {i for i, _ in positional}
        used_new = {j for _, j in positional}
        unmatched_old = [i for i in unmatched_old if i not in used_old]
        unmatched_new = [j for j in unmatched_new if j not in used_new]
    return ListMatch(pairs=pairs, removed=unmatched_old, added=unmatched_new)


def _match_token(element: JsonValue, key: dict[str, JsonValue] | None) -> Hashable:
    """What pairs ``element`` across versions: its natural ``key`` if it has one, else itself."""
    if key is not None:
        return ("key", tuple(key), tuple(map(_hashable, key.values())))
    return ("value", _hashable(element))


def _is_unkeyed_object(element: JsonValue, key: dict[str, JsonValue] | None) -> bool:
    return isinstance(element, dict) and key is None


def _hashable(value: JsonValue) -> Hashable:
    """A hashable stand-in that keeps JSON types apart (``1``, ``1.0`` and ``true`` differ)."""
    if isinstance(value, dict | list):
        return ("json", json.dumps(value, sort_keys=True, ensure_ascii=False))
    return (type(value).__name__, value)


def _key_text(key: dict[str, JsonValue] | None, index: int) -> str:
    if key is None:
        return f"[{index}]"
    return "[" + " | ".join("" if value is None else str(value) for value in key.values()) + "]"


def _diff_value(
    old: JsonValue,
    new: JsonValue,
    path: str,
    label: str,
    keyed: str,
    field_name: str | None,
    key: dict[str, JsonValue] | None,
    out: list[Change],
) -> None:
    if old == new and type(old) is type(new):
        return
    if isinstance(old, dict) and isinstance(new, dict):
        _diff_dict(old, new, path, label, keyed, key, out)
    elif isinstance(old, list) and isinstance(new, list):
        _diff_list(old, new, path, label, keyed, field_name, key, out)
    else:
        out.append(Change(path, "changed", old, new, key, label, keyed))


def _diff_dict(
    old: dict[str, JsonValue],
    new: dict[str, JsonValue],
    path: str,
    label: str,
    keyed: str,
    key: dict[str, JsonValue] | None,
    out: list[Change],
) -> None:
    for name, old_value in old.items():
        if name not in new:
            out.append(
                Change(
                    _child(path, name),
                    "removed",
                    old_value,
                    None,
                    key,
                    _dotted(label, name),
                    _child(keyed, name),
                )
            )
    for name, new_value in new.items():
        old_value = old.get(name, _MISSING)
        if old_value is _MISSING:
            out.append(
                Change(
                    _child(path, name),
                    "added",
                    None,
                    new_value,
                    key,
                    _dotted(label, name),
                    _child(keyed, name),
                )
            )
        else:
            _diff_value(
                old_value,
                new_value,
                _child(path, name),
                _dotted(label, name),
                _child(keyed, name),
                name,
                key,
                out,
            )


def _diff_list(
    old: list[JsonValue],
    new: list[JsonValue],
    path: str,
    label: str,
    keyed: str,
    field_name: str | None,
    outer_key: dict[str, JsonValue] | None,
    out: list[Change],
) -> None:
    old_keys = [natural_key(element, field_name) for element in old]
    new_keys = [natural_key(element, field_name) for element in new]
    match = _match_keyed(old, new, old_keys, new_keys)
    for index in match.removed:
        element_key = old_keys[index]
        out.append(
            Change(
                f"{path}/{index}",
                "removed",
                old[index],
                None,
                element_key or outer_key,
                label + _key_text(element_key, index),
                keyed + _key_step(element_key, index),
            )
        )
    survivor_order = [old_index for old_index, _ in match.pairs]
    if any(a > b for a, b in pairwise(survivor_order)):
        out.append(
            Change(
                path, "reordered", sorted(survivor_order), survivor_order, outer_key, label, keyed
            )
        )
    partner = {new_index: old_index for old_index, new_index in match.pairs}
    added = set(match.added)
    for index, new_element in enumerate(new):
        element_key = new_keys[index]
        element_label = label + _key_text(element_key, index)
        element_keyed = keyed + _key_step(element_key, index)
        if index in added:
            out.append(
                Change(
                    f"{path}/{index}",
                    "added",
                    None,
                    new_element,
                    element_key or outer_key,
                    element_label,
                    element_keyed,
                )
            )
            continue
        _diff_value(
            old[partner[index]],
            new_element,
            f"{path}/{index}",
            element_label,
            element_keyed,
            None,
            element_key or outer_key,
            out,
        )


def _child(path: str, name: str) -> str:
    return f"{path}/{escape_token(name)}"


def _key_step(key: dict[str, JsonValue] | None, index: int) -> str:
    """A list element's step in a keyed path: ``[v1|v2]`` by its key values, else ``/index``."""
    if key is None:
        return f"/{index}"
    values = ("" if value is None else escape_token(str(value)) for value in key.values())
    return "[" + "|".join(values) + "]"


def _dotted(label: str, name: str) -> str:
    return f"{label}.{name}" if label else name


# --- replay -------------------------------------------------------------------------------


@dataclass
class _Node:
    exact: list[Change] = field(default_factory=list)
    children: dict[str, _Node] = field(default_factory=dict)


def apply_changes(old: dict[str, JsonValue], changes: Sequence[Change]) -> dict[str, JsonValue]:
    """Replay ``changes`` (as made by :func:`diff_records`) on ``old``; returns the new record.

    ``old`` is not modified. The result shares unchanged sub-objects with ``old`` and values
    with the changes (copy-on-write along the changed paths only), so deep-copy it before
    mutating it in place. Object key order is not tracked (JSON objects are unordered): keys
    added by a change come last. List order is reproduced exactly.
    """
    root = _Node()
    for change in changes:
        node = root
        for segment in _segments(change.path):
            node = node.children.setdefault(segment, _Node())
        node.exact.append(change)
    result = _apply(old, root, "")
    if not isinstance(result, dict):
        raise ValueError("changes replace the whole record with a non-object; they do not fit")
    return result


def _segments(path: str) -> list[str]:
    """The unescaped segments of a change's path; a path that is no JSON pointer says so."""
    try:
        return split_pointer(path)
    except ValueError as error:
        raise ValueError(f"change path {error}") from None


def _apply(value: JsonValue, node: _Node, path: str) -> JsonValue:
    reorder: Change | None = None
    for change in node.exact:
        if change.op == "changed":
            return change.new
        if change.op == "reordered":
            reorder = change
    if not node.children and reorder is None:
        return value
    if isinstance(value, dict):
        return _apply_dict(value, node, path)
    if isinstance(value, list):
        return _apply_list(value, node, reorder, path)
    raise ValueError(f"change below {path or '/'} does not fit: the value there is not a container")


def _apply_dict(value: dict[str, JsonValue], node: _Node, path: str) -> dict[str, JsonValue]:
    result = dict(value)
    for segment, child in node.children.items():
        child_path = _child(path, segment)
        for change in child.exact:
            if change.op == "removed":
                if segment not in result:
                    raise ValueError(f"cannot remove {child_path}: it is not in the record")
                del result[segment]
            elif change.op == "added":
                result[segment] = change.new
        if child.children or any(c.op in ("changed", "reordered") for c in child.exact):
            if segment not in result:
                raise ValueError(f"cannot change {child_path}: it is not in the record")
            result[segment] = _apply(result[segment], child, child_path)
    return result


def _apply_list(
    value: list[JsonValue], node: _Node, reorder: Change | None, path: str
) -> list[JsonValue]:
    removed: set[int] = set()
    added: dict[int, JsonValue] = {}
    nested: list[tuple[int, _Node]] = []
    for segment, child in node.children.items():
        index = _index(segment, path)
        for change in child.exact:
            if change.op == "removed":
                removed.add(index)
            elif change.op == "added":
                added[index] = change.new
        if child.children or any(c.op in ("changed", "reordered") for c in child.exact):
            nested.append((index, child))
    if any(index >= len(value) for index in removed):
        raise ValueError(f"cannot remove from {path}: index beyond the {len(value)} elements")
    survivors = [index for index in range(len(value)) if index not in removed]
    if reorder is not None:
        order = [int(index) for index in reorder.new]
        if sorted(order) != survivors:
            raise ValueError(f"reorder of {path} does not match the surviving elements")
        survivors = order
    total = len(survivors) + len(added)
    if any(index >= total for index in added):
        raise ValueError(f"cannot add to {path}: index beyond the {total} elements")
    remaining = iter(survivors)
    result = [added[index] if index in added else value[next(remaining)] for index in range(total)]
    for index, child in nested:
        if index >= total:
            raise ValueError(f"cannot change {path}/{index}: index beyond the {total} elements")
        result[index] = _apply(result[index], child, f"{path}/{index}")
    return result


def _index(segment: str, path: str) -> int:
    if not segment.isdigit():
        raise ValueError(f"change path {path}/{segment} does not fit: {path} is a list")
    return int(segment)
