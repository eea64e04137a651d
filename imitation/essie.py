"""A small subset of the registry's Essie query syntax, enough for clients and tests.

Supported: free text (every word must occur, case-insensitive; a quoted phrase must occur as
is), ``AREA[Piece]value``, ``AREA[Piece]RANGE[low, high]`` with ``MIN``/``MAX`` (dates compare
as ``yyyy-MM-dd`` with missing parts as the first day/month; numbers numerically),
``NOT term``, and ``AND`` / ``OR`` (``AND`` binds loosest; parentheses only group).
Anything else is matched as free text. Parse errors answer like the registry:
``Error parsing query in <area label>: …``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from imitation.errors import ApiError
from imitation.fields import PIECE_PATHS
from imitation.timeline import StoredVersion

_AREA = re.compile(r"^AREA\[([^\]]*)\](.*)$", re.DOTALL)
_RANGE = re.compile(r"^RANGE\[([^,\]]*),([^\]]*)\]$", re.DOTALL)
_NCT_LIST = re.compile(r"^\s*(?:[Nn][Cc][Tt]\d{8}[\s,]*)+$")
_NCT = re.compile(r"[Nn][Cc][Tt]\d{8}")
_TEXT_CACHE_SIZE = 1024


@dataclass(frozen=True)
class Term:
    """One matchable term: free text when ``piece`` is None."""

    text: str
    piece: str | None = None
    low: str | None = None
    high: str | None = None
    negated: bool = False


Expression = tuple[tuple[Term, ...], ...]
"""A conjunction (outer) of disjunctions (inner) of terms."""


def nct_ids_only(text: str) -> list[str] | None:
    """The NCT IDs of a query that holds nothing else (then filters are ignored), else None."""
    if not _NCT_LIST.match(text):
        return None
    return [match.upper() for match in _NCT.findall(text)]


def parse_expression(text: str, label: str) -> Expression:
    """Parse an Essie expression; ``label`` names the area in error messages."""
    opened, closed = text.count("("), text.count(")")
    if opened > closed:
        raise ApiError(400, f"Error parsing query in {label}: missing ')' at '<EOF>'")
    if closed > opened:
        raise ApiError(400, f"Error parsing query in {label}: extraneous input ')' expecting <EOF>")
    clauses = []
    for clause in _split_top_level(text, " AND "):
        alternatives = tuple(
            _parse_term(part, label)
            for part in _split_top_level(clause, " OR ")
            if part.strip("() ")
        )
        if alternatives:
            clauses.append(alternatives)
    return tuple(clauses)


def _split_top_level(text: str, separator: str) -> list[str]:
    parts: list[str] = []
    depth, quoted, start, i = 0, False, 0, 0
    while i < len(text):
        char = text[i]
        if char == '"':
            quoted = not quoted
        elif not quoted and char == "[":
            depth += 1
        elif not quoted and char == "]":
            depth -= 1
        elif not quoted and depth == 0 and text.startswith(separator, i):
            parts.append(text[start:i])
            i += len(separator)
            start = i
            continue
        i += 1
    parts.append(text[start:])
    return parts


def _parse_term(raw: str, label: str) -> Term:
    text = raw.strip().strip("()").strip()
    negated = text.startswith("NOT ")
    if negated:
        text = text[4:].strip()
    area = _AREA.match(text)
    if area is None:
        return Term(text=_unquote(text), negated=negated)
    piece, rest = area.group(1).strip(), area.group(2).strip()
    if piece not in PIECE_PATHS:
        raise ApiError(400, f"Error parsing query in {label}: Unknown area name: `{piece}`")
    bounds = _RANGE.match(rest)
    if bounds is None:
        return Term(text=_unquote(rest), piece=piece, negated=negated)
    return Term(
        text=rest,
        piece=piece,
        low=bounds.group(1).strip(),
        high=bounds.group(2).strip(),
        negated=negated,
    )


def _unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def matches(expression: Expression, version: StoredVersion, area_paths: tuple[str, ...]) -> bool:
    """True when ``version`` satisfies every clause; free text searches ``area_paths``."""
    return all(
        any(_term_matches(term, version, area_paths) for term in clause) for clause in expression
    )


def _term_matches(term: Term, version: StoredVersion, area_paths: tuple[str, ...]) -> bool:
    if term.piece is None:
        found = _text_contains(area_text(version, area_paths), term.text)
    else:
        values = list(values_at(version.record, PIECE_PATHS[term.piece]))
        if term.low is not None and term.high is not None:
            found = any(_in_range(value, term.low, term.high) for value in values)
        else:
            found = any(_text_contains(str(value).lower(), term.text) for value in values)
    return found != term.negated


def _text_contains(haystack: str, needle: str) -> bool:
    needle = needle.lower()
    if '"' in needle:
        return all(part.strip() in haystack for part in needle.split('"') if part.strip())
    return all(word in haystack for word in needle.split())


def values_at(node: Any, dotted: str) -> Iterator[Any]:
    """Every value at a dotted record path, descending into lists."""
    keys = dotted.split(".") if dotted else []
    yield from _walk(node, keys)


def _walk(node: Any, keys: list[str]) -> Iterator[Any]:
    if isinstance(node, list):
        for item in node:
            yield from _walk(item, keys)
    elif not keys:
        yield node
    elif isinstance(node, dict) and keys[0] in node:
        yield from _walk(node[keys[0]], keys[1:])


def _leaves(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for value in node.values():
            yield from _leaves(value)
    elif isinstance(node, list):
        for item in node:
            yield from _leaves(item)
    elif isinstance(node, str):
        yield node


@lru_cache(maxsize=_TEXT_CACHE_SIZE)
def area_text(version: StoredVersion, area_paths: tuple[str, ...]) -> str:
    """Lower-cased text of every string under ``area_paths`` (``""``: the whole record)."""
    parts = [
        leaf
        for path in area_paths
        for value in values_at(version.record, path)
        for leaf in _leaves(value)
    ]
    return "\n".join(parts).lower()


def _in_range(value: Any, low: str, high: str) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        try:
            return (low == "MIN" or value >= float(low)) and (high == "MAX" or value <= float(high))
        except ValueError:
            return False
    text = normalize_date(str(value))
    return (low == "MIN" or text >= normalize_date(low)) and (
        high == "MAX" or text <= normalize_date(high)
    )


def normalize_date(text: str) -> str:
    """``2023`` → ``2023-01-01``, ``2023-06`` → ``2023-06-01``; full dates unchanged."""
    parts = text.strip().split("-")
    while len(parts) < 3:
        parts.append("01")
    return "-".join(part.zfill(2) for part in parts)
