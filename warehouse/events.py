"""Typed change events: what a new version of a study means for someone watching it.

:func:`derive_events` turns a diff (see :mod:`warehouse.diff`) into events such as
``status_changed`` or ``site_added``, each with a small JSON ``details`` object. The two
presence events, ``study_missing`` and ``study_reappeared``, come from runs (the registry stops
or resumes returning a tracked study), not from diffs: see
:meth:`warehouse.tracking.TrackingBatch.add_presence`.
Bookkeeping fields (the last-update dates, ``statusVerifiedDate``, ``versionHolder``) never make
an event. docs/changes.md lists every type with its details.

>>> old = {"protocolSection": {"statusModule": {"overallStatus": "RECRUITING"}}}
>>> new = {"protocolSection": {"statusModule": {"overallStatus": "COMPLETED"}}}
>>> from warehouse.diff import diff_records
>>> derive_events(old, new, diff_records(old, new))
[Event(event_type='status_changed', details={'from': 'RECRUITING', 'to': 'COMPLETED'})]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from typing import Any, Literal

from models.event_types import EventType
from warehouse.diff import Change, JsonValue, match_list

OUTCOME_REWORD_MIN_SIMILARITY = 0.6
"""A removed and an added outcome of the same kind whose measure texts are at least this similar
(difflib ratio, case-insensitive) are one reworded outcome, not a replacement."""

SUMMARY_TEXT_LIMIT = 80
"""Longest free text (a measure, a reason) quoted in a one-line description."""

_STATUS = "/protocolSection/statusModule"
_ENROLLMENT = "/protocolSection/designModule/enrollmentInfo"
_ELIGIBILITY = "/protocolSection/eligibilityModule"
_ARMS = "/protocolSection/armsInterventionsModule"
_OUTCOMES = "/protocolSection/outcomesModule"
_LOCATIONS = "/protocolSection/contactsLocationsModule/locations"
_SPONSORS = "/protocolSection/sponsorCollaboratorsModule"

DATE_FIELDS: dict[str, str] = {
    "startDateStruct": "start",
    "primaryCompletionDateStruct": "primary_completion",
    "completionDateStruct": "completion",
}
OUTCOME_KINDS: dict[str, str] = {
    "primaryOutcomes": "primary",
    "secondaryOutcomes": "secondary",
    "otherOutcomes": "other",
}
OUTCOME_TEXT_FIELDS: tuple[str, ...] = ("measure", "description", "timeFrame")
ELIGIBILITY_LONG_TEXT: frozenset[str] = frozenset({"eligibilityCriteria", "studyPopulation"})
"""Eligibility fields too long to quote in event details; the diff has their text."""

DatePrecision = Literal["year", "month", "day"]
_PRECISION_RANK: dict[DatePrecision, int] = {"year": 0, "month": 1, "day": 2}


@dataclass(frozen=True)
class Event:
    """A typed event; ``details`` is a JSON object (its keys per type are in docs/changes.md).

    ``version`` is the version it belongs to once stored (not part of its identity)."""

    event_type: EventType
    details: dict[str, JsonValue]
    version: int | None = field(default=None, compare=False)


def derive_events(
    old: dict[str, JsonValue] | None, new: dict[str, JsonValue], changes: Sequence[Change]
) -> list[Event]:
    """The events of going from ``old`` to ``new``; ``changes`` is ``diff_records(old, new)``.

    The changes say which parts of the record moved; the details are read from the two records
    (e.g. the enrollment type when only the count changed). ``old`` None means first seen.
    """
    if old is None:
        return [_first_seen(new)]
    touched = _Touched(change.path for change in changes if change.is_user_facing)
    if not touched:
        return []
    events: list[Event] = []
    if touched(f"{_STATUS}/overallStatus"):
        events.extend(_status_changed(old, new))
    if touched(f"{_STATUS}/whyStopped"):
        events.extend(_why_stopped(old, new))
    if touched(_ENROLLMENT):
        events.extend(_enrollment_changed(old, new))
    for struct, name in DATE_FIELDS.items():
        if touched(f"{_STATUS}/{struct}/date"):
            events.extend(_date_shifted(old, new, struct, name))
    if touched(_LOCATIONS):
        events.extend(_site_events(old, new))
    if touched(_ELIGIBILITY):
        events.extend(_eligibility_changed(old, new))
    if touched(f"{_ARMS}/armGroups") or touched(f"{_ARMS}/interventions"):
        events.extend(_arm_events(old, new))
    for list_name, kind in OUTCOME_KINDS.items():
        if touched(f"{_OUTCOMES}/{list_name}"):
            events.extend(_outcome_events(old, new, list_name, kind))
    if touched("/hasResults") or touched("/resultsSection"):
        events.extend(_results_posted(old, new))
    if touched(f"{_SPONSORS}/leadSponsor") or touched(f"{_SPONSORS}/collaborators"):
        events.extend(_sponsor_changed(old, new))
    return events


class _Touched:
    """Answers "did any change touch this part?", counting changes at ancestors and inside it."""

    def __init__(self, paths: Iterable[str]) -> None:
        self.paths = list(paths)

    def __bool__(self) -> bool:
        return bool(self.paths)

    def __call__(self, prefix: str) -> bool:
        inside = prefix + "/"
        return any(
            path == prefix or path.startswith(inside) or inside.startswith(path + "/")
            for path in self.paths
        )


def _get(record: dict[str, JsonValue] | None, pointer: str) -> JsonValue:
    value: JsonValue = record
    for part in pointer.strip("/").split("/"):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _list(record: dict[str, JsonValue], pointer: str) -> list[JsonValue]:
    value = _get(record, pointer)
    return value if isinstance(value, list) else []


def _first_seen(new: dict[str, JsonValue]) -> Event:
    return Event(
        "first_seen",
        {
            "status": _get(new, f"{_STATUS}/overallStatus"),
            "brief_title": _get(new, "/protocolSection/identificationModule/briefTitle"),
            "has_results": bool(new.get("hasResults")),
        },
    )


def _status_changed(old: dict[str, JsonValue], new: dict[str, JsonValue]) -> list[Event]:
    before, after = _get(old, f"{_STATUS}/overallStatus"), _get(new, f"{_STATUS}/overallStatus")
    return [] if before == after else [Event("status_changed", {"from": before, "to": after})]


def _why_stopped(old: dict[str, JsonValue], new: dict[str, JsonValue]) -> list[Event]:
    before, after = _get(old, f"{_STATUS}/whyStopped"), _get(new, f"{_STATUS}/whyStopped")
    if not after or before == after:
        return []
    details = {"from": before, "to": after, "status": _get(new, f"{_STATUS}/overallStatus")}
    return [Event("why_stopped_set", details)]


def _enrollment_changed(old: dict[str, JsonValue], new: dict[str, JsonValue]) -> list[Event]:
    before_count, after_count = _get(old, f"{_ENROLLMENT}/count"), _get(new, f"{_ENROLLMENT}/count")
    before_type, after_type = _get(old, f"{_ENROLLMENT}/type"), _get(new, f"{_ENROLLMENT}/type")
    if before_count == after_count and before_type == after_type:
        return []
    delta = (
        after_count - before_count
        if isinstance(before_count, int) and isinstance(after_count, int)
        else None
    )
    return [
        Event(
            "enrollment_changed",
            {
                "from_count": before_count,
                "to_count": after_count,
                "delta": delta,
                "from_type": before_type,
                "to_type": after_type,
                "became_actual": before_type != "ACTUAL" and after_type == "ACTUAL",
            },
        )
    ]


def parse_partial_date(text: JsonValue) -> tuple[date, DatePrecision] | None:
    """Parse a registry date (``yyyy``, ``yyyy-MM`` or ``yyyy-MM-dd``) to its first day.

    >>> parse_partial_date("2024-06")
    (datetime.date(2024, 6, 1), 'month')
    """
    if not isinstance(text, str):
        return None
    parts = text.split("-")
    try:
        numbers = [int(part) for part in parts]
        if len(numbers) == 1:
            return date(numbers[0], 1, 1), "year"
        if len(numbers) == 2:
            return date(numbers[0], numbers[1], 1), "month"
        if len(numbers) == 3:
            return date(numbers[0], numbers[1], numbers[2]), "day"
    except ValueError:
        return None
    return None


def date_shift(before: JsonValue, after: JsonValue) -> dict[str, JsonValue]:
    """How far a registry date moved, compared at the coarser precision of the two.

    Both dates are cut to the coarser precision and the days between the starts of those
    periods are counted, so ``2024-06`` → ``2024-08-15`` is 61 days later (June 1 → August 1)
    and ``2024-06`` → ``2024-06-20`` is ``refined`` (same month, more precise), 0 days.

    >>> date_shift("2024-06", "2024-08-15")
    {'days': 61, 'direction': 'later', 'precision': 'month'}
    """
    if before is None:
        return {"days": None, "direction": "set", "precision": None}
    if after is None:
        return {"days": None, "direction": "cleared", "precision": None}
    parsed_before, parsed_after = parse_partial_date(before), parse_partial_date(after)
    if parsed_before is None or parsed_after is None:
        return {"days": None, "direction": "changed", "precision": None}
    precision = min(parsed_before[1], parsed_after[1], key=_PRECISION_RANK.__getitem__)
    days = (_truncate(parsed_after[0], precision) - _truncate(parsed_before[0], precision)).days
    direction = "later" if days > 0 else "earlier" if days < 0 else "refined"
    return {"days": days, "direction": direction, "precision": precision}


def _truncate(value: date, precision: DatePrecision) -> date:
    if precision == "year":
        return value.replace(month=1, day=1)
    if precision == "month":
        return value.replace(day=1)
    return value


def _date_shifted(
    old: dict[str, JsonValue], new: dict[str, JsonValue], struct: str, name: str
) -> list[Event]:
    before, after = _get(old, f"{_STATUS}/{struct}/date"), _get(new, f"{_STATUS}/{struct}/date")
    if before == after:
        return []
    details: dict[str, JsonValue] = {
        "field": name,
        "from": before,
        "to": after,
        "from_type": _get(old, f"{_STATUS}/{struct}/type"),
        "to_type": _get(new, f"{_STATUS}/{struct}/type"),
    }
    details.update(date_shift(before, after))
    return [Event("date_shifted", details)]


def _site(location: JsonValue) -> dict[str, JsonValue]:
    site = location if isinstance(location, dict) else {}
    return {name: site.get(name) for name in ("facility", "city", "state", "country", "status")}


def _site_events(old: dict[str, JsonValue], new: dict[str, JsonValue]) -> list[Event]:
    before, after = _list(old, _LOCATIONS), _list(new, _LOCATIONS)
    match = match_list(before, after, "locations")
    events = [Event("site_removed", _site(before[index])) for index in match.removed]
    for old_index, new_index in match.pairs:
        was, now = _site(before[old_index]), _site(after[new_index])
        if was["status"] != now["status"]:
            details = {**now, "from": was["status"], "to": now["status"]}
            del details["status"]
            events.append(Event("site_status_changed", details))
    events.extend(Event("site_added", _site(after[index])) for index in match.added)
    return events


def _eligibility_changed(old: dict[str, JsonValue], new: dict[str, JsonValue]) -> list[Event]:
    before = _get(old, _ELIGIBILITY) or {}
    after = _get(new, _ELIGIBILITY) or {}
    names = [name for name in {**before, **after} if before.get(name) != after.get(name)]
    if not names:
        return []
    quoted = {
        name: {"from": before.get(name), "to": after.get(name)}
        for name in names
        if name not in ELIGIBILITY_LONG_TEXT
    }
    return [Event("eligibility_changed", {"fields": names, "changes": quoted})]


def _arm_events(old: dict[str, JsonValue], new: dict[str, JsonValue]) -> list[Event]:
    events: list[Event] = []
    for list_name, kind, fields in (
        ("armGroups", "arm_group", ("label", "type")),
        ("interventions", "intervention", ("type", "name")),
    ):
        before, after = _list(old, f"{_ARMS}/{list_name}"), _list(new, f"{_ARMS}/{list_name}")
        match = match_list(before, after, list_name)
        for index in match.removed:
            details = {"kind": kind, **{f: _field(before[index], f) for f in fields}}
            events.append(Event("arm_or_intervention_removed", details))
        for index in match.added:
            details = {"kind": kind, **{f: _field(after[index], f) for f in fields}}
            events.append(Event("arm_or_intervention_added", details))
    return events


def _field(element: JsonValue, name: str) -> JsonValue:
    return element.get(name) if isinstance(element, dict) else None


def _outcome_events(
    old: dict[str, JsonValue], new: dict[str, JsonValue], list_name: str, kind: str
) -> list[Event]:
    before = _list(old, f"{_OUTCOMES}/{list_name}")
    after = _list(new, f"{_OUTCOMES}/{list_name}")
    match = match_list(before, after, list_name)
    reworded = [
        (before[i], after[j])
        for i, j in match.pairs
        if any(_field(before[i], f) != _field(after[j], f) for f in OUTCOME_TEXT_FIELDS)
    ]
    pairs, removed, added = _pair_rewordings(
        [(i, before[i]) for i in match.removed], [(j, after[j]) for j in match.added]
    )
    reworded.extend(pairs)
    events = [Event("outcome_removed", {"kind": kind, **_outcome(outcome)}) for outcome in removed]
    events.extend(_reworded(kind, was, now) for was, now in reworded)
    events.extend(Event("outcome_added", {"kind": kind, **_outcome(outcome)}) for outcome in added)
    return events


def _outcome(outcome: JsonValue) -> dict[str, JsonValue]:
    return {name: _field(outcome, name) for name in ("measure", "timeFrame")}


def _reworded(kind: str, was: JsonValue, now: JsonValue) -> Event:
    fields = [name for name in OUTCOME_TEXT_FIELDS if _field(was, name) != _field(now, name)]
    return Event(
        "outcome_reworded",
        {
            "kind": kind,
            "measure": _field(now, "measure"),
            "fields": fields,
            "changes": {
                name: {"from": _field(was, name), "to": _field(now, name)} for name in fields
            },
        },
    )


def measure_similarity(before: JsonValue, after: JsonValue) -> float:
    """Case-insensitive difflib ratio of two outcome measure texts (0 when either is missing)."""
    if not isinstance(before, str) or not isinstance(after, str):
        return 0.0
    return SequenceMatcher(None, before.casefold(), after.casefold(), autojunk=False).ratio()


def _pair_rewordings(
    removed: list[tuple[int, JsonValue]], added: list[tuple[int, JsonValue]]
) -> tuple[list[tuple[JsonValue, JsonValue]], list[JsonValue], list[JsonValue]]:
    """Tell rewordings from replacements among outcomes whose measure text changed.

    The measure is the outcome's natural key, so a reworded measure first shows up as one
    outcome removed and one added. They are the same outcome reworded when

    * their measures are at least :data:`OUTCOME_REWORD_MIN_SIMILARITY` alike, or
    * only the measure changed: same position in the list and same description and time
      frame, or same non-empty description and same time frame anywhere in the list.

    Otherwise it is a replacement (``outcome_removed`` + ``outcome_added``). Best-scoring pairs
    are taken first; each outcome pairs at most once.
    """
    candidates: list[tuple[float, int, int]] = []
    for i, (old_index, was) in enumerate(removed):
        for j, (new_index, now) in enumerate(added):
            score = measure_similarity(_field(was, "measure"), _field(now, "measure"))
            same_rest = all(
                _field(was, name) == _field(now, name) for name in ("description", "timeFrame")
            )
            in_place = same_rest and old_index == new_index
            described = same_rest and bool(_field(was, "description"))
            if score >= OUTCOME_REWORD_MIN_SIMILARITY or in_place or described:
                candidates.append((score + (1.0 if in_place or described else 0.0), i, j))
    candidates.sort(key=lambda item: (-item[0], item[1], item[2]))
    used_removed: set[int] = set()
    used_added: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, i, j in candidates:
        if i not in used_removed and j not in used_added:
            pairs.append((i, j))
            used_removed.add(i)
            used_added.add(j)
    pairs.sort(key=lambda pair: pair[1])
    return (
        [(removed[i][1], added[j][1]) for i, j in pairs],
        [was for i, (_, was) in enumerate(removed) if i not in used_removed],
        [now for j, (_, now) in enumerate(added) if j not in used_added],
    )


def _results_posted(old: dict[str, JsonValue], new: dict[str, JsonValue]) -> list[Event]:
    had = bool(old.get("hasResults")) or "resultsSection" in old
    has = bool(new.get("hasResults")) or "resultsSection" in new
    if had or not has:
        return []
    return [
        Event(
            "results_posted",
            {"results_first_post_date": _get(new, f"{_STATUS}/resultsFirstPostDateStruct/date")},
        )
    ]


def _sponsor_changed(old: dict[str, JsonValue], new: dict[str, JsonValue]) -> list[Event]:
    details: dict[str, JsonValue] = {}
    lead_before = _get(old, f"{_SPONSORS}/leadSponsor")
    lead_after = _get(new, f"{_SPONSORS}/leadSponsor")
    if lead_before != lead_after:
        details["lead_sponsor"] = {"from": lead_before, "to": lead_after}
    before = _list(old, f"{_SPONSORS}/collaborators")
    after = _list(new, f"{_SPONSORS}/collaborators")
    match = match_list(before, after, "collaborators")
    changed_class = [
        {
            "name": _field(after[j], "name"),
            "from": _field(before[i], "class"),
            "to": _field(after[j], "class"),
        }
        for i, j in match.pairs
        if before[i] != after[j]
    ]
    if match.added or match.removed or changed_class:
        details["collaborators_added"] = [_field(after[j], "name") for j in match.added]
        details["collaborators_removed"] = [_field(before[i], "name") for i in match.removed]
        details["collaborators_changed"] = changed_class
    return [Event("sponsor_or_collaborator_changed", details)] if details else []


# --- one-line descriptions ----------------------------------------------------------------


def describe_event(event_type: str, details: dict[str, JsonValue]) -> str:
    """One line for humans, e.g. ``status RECRUITING → COMPLETED``."""
    d = details
    if event_type == "first_seen":
        return f"first seen ({d.get('status')})"
    if event_type == "status_changed":
        return f"status {d.get('from')} → {d.get('to')}"
    if event_type == "why_stopped_set":
        return f"why stopped: {_clip(d.get('to'))}"
    if event_type == "enrollment_changed":
        return (
            f"enrollment {d.get('from_count')} ({d.get('from_type')}) → "
            f"{d.get('to_count')} ({d.get('to_type')})"
        )
    if event_type == "date_shifted":
        moved = d.get("direction")
        if moved in ("later", "earlier"):
            moved = f"{abs(int(d.get('days') or 0))} days {moved}"
        name = str(d.get("field")).replace("_", " ")
        return f"{name} date {d.get('from')} → {d.get('to')} ({moved})"
    if event_type in ("site_added", "site_removed"):
        return f"site {event_type.removeprefix('site_')}: {_place(d)}"
    if event_type == "site_status_changed":
        return f"site {_place(d)}: {d.get('from') or 'unset'} → {d.get('to') or 'unset'}"
    if event_type == "eligibility_changed":
        return f"eligibility changed: {', '.join(str(name) for name in d.get('fields') or [])}"
    if event_type.startswith("arm_or_intervention_"):
        verb = event_type.rsplit("_", 1)[1]
        if d.get("kind") == "arm_group":
            return f"arm group {verb}: {_clip(d.get('label'))}"
        return f"intervention {verb}: {_clip(str(d.get('type')) + ': ' + str(d.get('name')))}"
    if event_type.startswith("outcome_"):
        what = event_type.removeprefix("outcome_")
        return f"{d.get('kind')} outcome {what}: {_clip(d.get('measure'))}"
    if event_type == "results_posted":
        return f"results posted ({d.get('results_first_post_date')})"
    if event_type == "sponsor_or_collaborator_changed":
        return _describe_sponsor(d)
    if event_type == "study_missing":
        return "no longer returned by the registry"
    if event_type == "study_reappeared":
        return "returned by the registry again"
    return event_type


def summarize_events(events: Iterable[tuple[str, dict[str, JsonValue]]]) -> str:
    """One line for a version: single events described, repeated types counted.

    >>> summarize_events([("site_added", {}), ("site_added", {}),
    ...                   ("status_changed", {"from": "A", "to": "B"})])
    '2 × site added; status A → B'
    """
    items = list(events)
    counts = Counter(event_type for event_type, _ in items)
    parts: list[str] = []
    seen: set[str] = set()
    for event_type, details in items:
        if counts[event_type] == 1:
            parts.append(describe_event(event_type, details))
        elif event_type not in seen:
            parts.append(f"{counts[event_type]} × {event_type.replace('_', ' ')}")
        seen.add(event_type)
    return "; ".join(parts)


def _describe_sponsor(d: dict[str, JsonValue]) -> str:
    parts: list[str] = []
    lead = d.get("lead_sponsor")
    if isinstance(lead, dict):
        parts.append(f"lead sponsor {_name(lead.get('from'))} → {_name(lead.get('to'))}")
    for key, sign in (("collaborators_added", "+"), ("collaborators_removed", "−")):
        names = d.get(key) or []
        if names:
            parts.append(f"collaborators {sign}{f', {sign}'.join(str(n) for n in names)}")
    if d.get("collaborators_changed"):
        parts.append("collaborator class changed")
    return "; ".join(parts) or "sponsor or collaborators changed"


def _name(sponsor: Any) -> str:
    return str(sponsor.get("name")) if isinstance(sponsor, dict) else str(sponsor)


def _place(d: dict[str, JsonValue]) -> str:
    return ", ".join(str(d[name]) for name in ("facility", "city", "country") if d.get(name))


def _clip(text: JsonValue) -> str:
    value = str(text)
    return value if len(value) <= SUMMARY_TEXT_LIMIT else value[: SUMMARY_TEXT_LIMIT - 1] + "…"
