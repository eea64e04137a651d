"""Property: ``apply_changes(a, diff_records(a, b)) == b`` for real records and generated edits.

Edits are drawn at random positions of real records (set, delete, add keys; remove, insert,
duplicate, shuffle list elements; change natural-key fields; change types). Containers on an
edited path are copied and the rest is shared, so even the 1.5 MB record is cheap to edit.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REAL_STUDY_IDS, study_record
from warehouse.diff import apply_changes, diff_records, user_facing

Path = tuple[str | int, ...]
SMALL_STUDIES = [nct for nct in REAL_STUDY_IDS if nct != "NCT02513394"]
EDIT_KINDS = (
    "set_scalar",
    "delete",
    "add_key",
    "insert_copy",
    "duplicate",
    "shuffle",
    "retype",
    "rename_key_field",
)
LIST_EDITS = frozenset({"insert_copy", "duplicate", "shuffle"})
SCALARS = st.one_of(
    st.text(max_size=12), st.integers(-5, 10_000), st.booleans(), st.none(), st.floats(0, 1)
)


@cache
def _record(nct_id: str) -> dict[str, Any]:
    return study_record(nct_id)


@cache
def _containers(nct_id: str) -> list[Path]:
    """Paths of every dict and list in the record, the edit targets."""
    found: list[Path] = []

    def walk(value: Any, path: Path) -> None:
        if isinstance(value, dict):
            found.append(path)
            for key, child in value.items():
                walk(child, (*path, key))
        elif isinstance(value, list):
            found.append(path)
            for index, child in enumerate(value):
                walk(child, (*path, index))

    walk(_record(nct_id), ())
    return found


def _resolve(record: Any, path: Path) -> Any:
    value = record
    for part in path:
        in_dict = isinstance(value, dict) and isinstance(part, str) and part in value
        in_list = isinstance(value, list) and isinstance(part, int) and part < len(value)
        if not (in_dict or in_list):
            return None
        value = value[part]
    return value


def _copy_path(record: dict[str, Any], path: Path) -> Any:
    """Copy every container from the root to ``path``; return the copy at ``path``."""
    node: Any = record
    for part in path:
        child = node[part]
        node[part] = dict(child) if isinstance(child, dict) else list(child)
        node = node[part]
    return node


def _edit(record: dict[str, Any], path: Path, kind: str, data: st.DataObject) -> dict[str, Any]:
    target = _resolve(record, path)
    if not isinstance(target, dict | list) or not target:
        return record
    result = dict(record)
    node = _copy_path(result, path)
    if isinstance(node, dict):
        keys = list(node)
        key = data.draw(st.sampled_from(keys))
        if kind == "delete":
            del node[key]
        elif kind == "add_key":
            node[data.draw(st.text(min_size=1, max_size=8))] = data.draw(SCALARS)
        elif kind == "retype":
            node[key] = [node[key]] if not isinstance(node[key], list) else {"was": node[key]}
        elif kind == "rename_key_field" and isinstance(node.get(key), str):
            node[key] = node[key] + " (renamed)"
        else:
            node[key] = data.draw(SCALARS)
        return result
    index = data.draw(st.integers(0, len(node) - 1))
    if kind == "delete":
        del node[index]
    elif kind in ("insert_copy", "duplicate"):
        element = node[index]
        if kind == "insert_copy" and isinstance(element, dict) and element:
            element = dict(element)
            first = next(iter(element))
            element[first] = data.draw(SCALARS)
        node.insert(data.draw(st.integers(0, len(node))), element)
    elif kind == "shuffle":
        node[:] = data.draw(st.permutations(node))
    elif kind == "retype":
        node[index] = {"wrapped": node[index]}
    else:
        node[index] = data.draw(SCALARS)
    return result


def _edited(nct_id: str, data: st.DataObject, max_edits: int) -> dict[str, Any]:
    record = _record(nct_id)
    paths = _containers(nct_id)
    list_paths = [path for path in paths if isinstance(_resolve(_record(nct_id), path), list)]
    for _ in range(data.draw(st.integers(1, max_edits))):
        kind = data.draw(st.sampled_from(EDIT_KINDS))
        pool = list_paths if kind in LIST_EDITS and list_paths else paths
        record = _edit(record, data.draw(st.sampled_from(pool)), kind, data)
    return record


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nct_id=st.sampled_from(SMALL_STUDIES), data=st.data())
def test_replaying_the_diff_reproduces_the_new_version(nct_id: str, data: st.DataObject) -> None:
    old = _record(nct_id)
    new = _edited(nct_id, data, max_edits=6)
    changes = diff_records(old, new)
    assert apply_changes(old, changes) == new
    assert (changes == []) == (old == new)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_replay_on_the_largest_record(data: st.DataObject) -> None:
    old = _record("NCT02513394")
    new = _edited("NCT02513394", data, max_edits=4)
    changes = diff_records(old, new)
    assert apply_changes(old, changes) == new


@settings(max_examples=60, deadline=None)
@given(nct_id=st.sampled_from(SMALL_STUDIES), data=st.data())
def test_the_diff_back_and_forth_is_symmetric(nct_id: str, data: st.DataObject) -> None:
    old = _record(nct_id)
    new = _edited(nct_id, data, max_edits=3)
    forward = user_facing(diff_records(old, new))
    backward = user_facing(diff_records(new, old))
    assert sorted(c.op for c in forward if c.op == "changed") == sorted(
        c.op for c in backward if c.op == "changed"
    )
    assert sum(c.op == "added" for c in forward) == sum(c.op == "removed" for c in backward)
    assert apply_changes(new, diff_records(new, old)) == old
