"""Declarative edits that turn one recorded study version into its neighbour.

A timeline lists, per version, a list of edit operations addressed by JSON pointers
(RFC 6901). Edits never mutate their input: every container on the edited path is copied
and the rest of the record is shared, so a study with many versions of a 1.5 MB record
costs little more memory than one copy.

Operations (``op`` key):

``set``          ``path``, ``value``; replaces a key or list item, or adds a new key (placed
                 ``after`` or ``before`` a named sibling key, else at the end).
``remove``       ``path``; deletes a key or list item. With ``where`` (a dict of key/value
                 pairs), ``path`` names a list and exactly one matching item is deleted.
``insert``       ``path`` ending in a list index or ``-`` (append), ``value``.
``replace_text`` ``path`` to a string, ``old``, ``new``; ``old`` must occur exactly once.
``rename``       ``path`` to a key, ``to``: the new key name, keeping its position.
``remove_results`` no path: drops ``resultsSection`` and ``documentSection``, the results
                 dates of the status module, and sets ``hasResults`` to false (the record as
                 it was before its results were posted).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from models.json_pointer import split_pointer

JsonObject = dict[str, Any]

RESULTS_STATUS_KEYS = (
    "resultsFirstSubmitDate",
    "resultsFirstSubmitQcDate",
    "resultsFirstPostDateStruct",
)
"""Status-module dates that exist only once results have been submitted."""


class EditError(ValueError):
    """An edit that does not fit the record; the message names the pointer and the problem."""


def parse_pointer(pointer: str) -> list[str]:
    """Split an RFC 6901 JSON pointer into its unescaped reference tokens."""
    try:
        return split_pointer(pointer)
    except ValueError:
        raise EditError(f"JSON pointer {pointer!r} must start with '/'") from None


def apply_edits(record: JsonObject, edits: Sequence[Mapping[str, Any]]) -> JsonObject:
    """Return a new record with ``edits`` applied in order; ``record`` is left untouched."""
    result = record
    for position, edit in enumerate(edits):
        try:
            result = _apply_one(result, edit)
        except EditError as exc:
            raise EditError(f"edit {position} ({edit.get('op')!r}): {exc}") from None
    return result


def _apply_one(record: JsonObject, edit: Mapping[str, Any]) -> JsonObject:
    op = edit.get("op")
    if op == "remove_results":
        return _remove_results(record)
    path = edit.get("path")
    if not isinstance(path, str):
        raise EditError("needs a 'path' JSON pointer")
    tokens = parse_pointer(path)
    if not tokens:
        raise EditError("cannot edit the whole record")
    root, parent = _copy_path(record, tokens[:-1], path)
    last = tokens[-1]
    if op == "set":
        _set(parent, last, edit, path)
    elif op == "remove":
        _remove(parent, last, edit.get("where"), path)
    elif op == "insert":
        _insert(parent, last, edit, path)
    elif op == "replace_text":
        _replace_text(parent, last, edit, path)
    elif op == "rename":
        _rename(parent, last, edit, path)
    else:
        raise EditError(f"unknown op {op!r}")
    return root


def _copy_path(record: JsonObject, tokens: list[str], path: str) -> tuple[JsonObject, Any]:
    """Copy every container from the root down to the one ``tokens`` names."""
    root = dict(record)
    node: Any = root
    for token in tokens:
        child = _child(node, token, path)
        copied = dict(child) if isinstance(child, dict) else list(child)
        _store(node, token, copied)
        node = copied
    return root, node


def _child(node: Any, token: str, path: str) -> Any:
    if isinstance(node, dict):
        if token not in node:
            raise EditError(f"{path}: key {token!r} not found")
        child = node[token]
    elif isinstance(node, list):
        child = node[_index(node, token, path)]
    else:
        raise EditError(f"{path}: {token!r} is below a scalar")
    if not isinstance(child, dict | list):
        raise EditError(f"{path}: {token!r} is a scalar, not a container")
    return child


def _store(node: Any, token: str, value: Any) -> None:
    if isinstance(node, dict):
        node[token] = value
    else:
        node[int(token)] = value


def _index(node: list[Any], token: str, path: str) -> int:
    if not token.isdigit() or int(token) >= len(node):
        raise EditError(f"{path}: list index {token!r} out of range (length {len(node)})")
    return int(token)


def _set(parent: Any, key: str, edit: Mapping[str, Any], path: str) -> None:
    if "value" not in edit:
        raise EditError(f"{path}: 'set' needs a 'value'")
    value = edit["value"]
    if isinstance(parent, list):
        parent[_index(parent, key, path)] = value
        return
    if not isinstance(parent, dict):
        raise EditError(f"{path}: parent is not an object or list")
    anchor_after, anchor_before = edit.get("after"), edit.get("before")
    if key in parent or (anchor_after is None and anchor_before is None):
        parent[key] = value
        return
    anchor = anchor_after if anchor_after is not None else anchor_before
    if anchor not in parent:
        raise EditError(f"{path}: anchor key {anchor!r} not found")
    items = list(parent.items())
    position = [k for k, _ in items].index(anchor) + (1 if anchor_after is not None else 0)
    items.insert(position, (key, value))
    parent.clear()
    parent.update(items)


def _remove(parent: Any, key: str, where: Any, path: str) -> None:
    if where is not None:
        if not isinstance(parent, dict) or not isinstance(parent.get(key), list):
            raise EditError(f"{path}: 'where' needs the pointer to name a list")
        items: list[Any] = parent[key]
        matches = [
            i
            for i, item in enumerate(items)
            if isinstance(item, dict) and all(item.get(k) == v for k, v in where.items())
        ]
        if len(matches) != 1:
            raise EditError(f"{path}: {len(matches)} items match {where!r}, expected exactly 1")
        parent[key] = [item for i, item in enumerate(items) if i != matches[0]]
    elif isinstance(parent, list):
        del parent[_index(parent, key, path)]
    elif isinstance(parent, dict) and key in parent:
        del parent[key]
    else:
        raise EditError(f"{path}: nothing to remove")


def _insert(parent: Any, key: str, edit: Mapping[str, Any], path: str) -> None:
    if not isinstance(parent, list):
        raise EditError(f"{path}: 'insert' needs the parent to be a list")
    if "value" not in edit:
        raise EditError(f"{path}: 'insert' needs a 'value'")
    if key == "-":
        parent.append(edit["value"])
    elif key.isdigit() and int(key) <= len(parent):
        parent.insert(int(key), edit["value"])
    else:
        raise EditError(f"{path}: insert position {key!r} out of range (length {len(parent)})")


def _replace_text(parent: Any, key: str, edit: Mapping[str, Any], path: str) -> None:
    old, new = edit.get("old"), edit.get("new")
    if not isinstance(old, str) or not isinstance(new, str):
        raise EditError(f"{path}: 'replace_text' needs string 'old' and 'new'")
    token: Any = _index(parent, key, path) if isinstance(parent, list) else key
    if isinstance(parent, dict) and key not in parent:
        raise EditError(f"{path}: key {key!r} not found")
    text = parent[token]
    if not isinstance(text, str):
        raise EditError(f"{path}: value is not a string")
    count = text.count(old)
    if count != 1:
        raise EditError(f"{path}: {old!r} occurs {count} times, expected exactly once")
    parent[token] = text.replace(old, new)


def _rename(parent: Any, key: str, edit: Mapping[str, Any], path: str) -> None:
    new_key = edit.get("to")
    if not isinstance(parent, dict) or key not in parent:
        raise EditError(f"{path}: key {key!r} not found")
    if not isinstance(new_key, str) or new_key in parent:
        raise EditError(f"{path}: 'to' must be a new key name, got {new_key!r}")
    items = [(new_key if k == key else k, v) for k, v in parent.items()]
    parent.clear()
    parent.update(items)


def _remove_results(record: JsonObject) -> JsonObject:
    if "resultsSection" not in record:
        raise EditError("record has no resultsSection to remove")
    result = {k: v for k, v in record.items() if k not in ("resultsSection", "documentSection")}
    protocol = dict(result["protocolSection"])
    protocol["statusModule"] = {
        k: v for k, v in protocol["statusModule"].items() if k not in RESULTS_STATUS_KEYS
    }
    result["protocolSection"] = protocol
    result["hasResults"] = False
    return result
