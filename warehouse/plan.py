"""The planner: what a batch of received records means for the warehouse, as rows to write.

Pure: no connection to the warehouse. It takes what a source received (a :class:`Batch`)
and what the warehouse holds of those studies (their :class:`StudyState`, read by
:mod:`warehouse.state`), and returns a :class:`Plan` that :mod:`warehouse.writer` applies in
one transaction. Planning is therefore safe to run in parallel (threads, processes, Dask
workers) while one process writes.

Per study, in the registry's order:

1. An observed record whose payload hash equals its current version's is unchanged: one
   hash, one lookup, nothing parsed.
2. Otherwise its *content* hash (``models.hashing``: markup as text, whitespace collapsed)
   decides: equal to the current version's, it is the same version (linked: the version gets
   the observation's time, and the Markdown copy replaces an HTML one); different, it is a
   new version.
3. A record from the registry's history (``RawStudy.registry_version``) is linked to a held
   version of the same content that does not know its registry number yet, else it is a new
   version, placed on the registry's clock (its ``lastUpdatePostDate``) among the others.
4. New versions get the next free version numbers in registry order, so a study whose
   history is stored with its first observation has v1 = the registry's version 0. Each new
   version is diffed against its predecessor on the registry's clock; a held version whose
   predecessor changed (an older version slotted in before it) is diffed again and its changes
   and events are replaced.
5. Validation never rejects a record that has an NCT ID: what breaks the spec is recorded as
   findings of the version, unknown fields and enum values as its drift.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from typing import Any, Literal

from models.errors import StudyValidationError
from models.hashing import compact_json, comparable_hash
from models.markup import HTML, MARKDOWN, Markup, comparable_record
from models.payload import Batch, IndexEntry, Payload, RawStudy, Rejection, UnparsablePayloadError
from warehouse.events import Event
from warehouse.tracking import TrackingBatch

Outcome = Literal["new", "changed", "unchanged", "missing", "not_found", "rejected", "backfilled"]
"""What a run did with a requested study; ``missing`` is a tracked study the registry no longer
returns, ``not_found`` an ID it has no study for and that was never stored, ``backfilled`` a
study whose history versions were stored."""
Source = Literal["observed", "registry"]

REGISTRY_DATE_PATH = ("protocolSection", "statusModule", "lastUpdatePostDateStruct", "date")


@dataclass(frozen=True)
class HeldVersion:
    """What the warehouse holds of one version of a study."""

    version: int
    content_hash: str
    payload_hash: str | None
    registry_version: int | None
    registry_date: date | None
    observed_at: datetime | None
    valid_from: datetime
    markup: Markup
    position: int | None = None
    valid_to: datetime | None = None


@dataclass
class StudyState:
    """A study as the warehouse holds it, and whether the registry stopped returning it.

    ``versions`` is in registry order: all of them when ``complete`` (a batch with history
    for the study), else only the current one (its head), which is all an observed record is
    compared against. ``max_version`` is the highest version number held (a backfill may have
    given older versions higher numbers). ``records`` holds the raw records
    (version → (record, markup)) the planner needs: the current one for a changed payload,
    all of them when history arrives."""

    nct_id: str
    versions: list[HeldVersion] = field(default_factory=list)
    missing: bool = False
    records: dict[int, tuple[dict[str, Any], Markup]] = field(default_factory=dict)
    complete: bool = True
    max_version: int = 0

    @property
    def current(self) -> HeldVersion | None:
        return self.versions[-1] if self.versions else None


@dataclass(frozen=True)
class StoredStudy:
    """What a run did with one study."""

    nct_id: str
    outcome: Outcome
    version: int | None
    content_hash: str | None
    previous_version: int | None = None
    events: list[Event] = field(default_factory=list)
    backfilled: int = 0
    """History versions stored for the study by this batch."""


@dataclass
class Plan:
    """Every row one batch writes; applied by :func:`warehouse.writer.apply_plan`."""

    run_id: str
    when: datetime
    versions: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    observations: list[dict[str, Any]] = field(default_factory=list)
    tracking: TrackingBatch | None = None
    replaced: list[tuple[str, int]] = field(default_factory=list)
    """Held versions whose changes and events are replaced (their predecessor changed)."""
    findings: list[dict[str, Any]] = field(default_factory=list)
    drift: list[dict[str, Any]] = field(default_factory=list)
    normalize: list[tuple[str, int, Payload]] = field(default_factory=list)
    """(nct_id, version, record text) of the versions whose normalized rows are (re)built."""
    rederive: list[tuple[str, int]] = field(default_factory=list)
    """Held versions among ``normalize`` whose derived rows are replaced (their record changed)."""
    chain_updates: list[dict[str, Any]] = field(default_factory=list)
    """Held versions whose place on the registry's clock moved: new position and valid_to."""
    history_links: list[dict[str, Any]] = field(default_factory=list)
    """Which stored version holds a registry version: (nct_id, registry_version, version)."""
    heads: list[dict[str, Any]] = field(default_factory=list)
    """New heads (``study_heads`` rows) of studies whose current version changed."""
    head_updates: list[dict[str, Any]] = field(default_factory=list)
    """Changed fields of heads whose current version stays (a link, presence); None = keep."""
    normalized: dict[str, Any] | None = None
    """Normalized rows per table (Arrow tables), when the planner built them."""
    index: list[dict[str, Any]] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    results: list[StoredStudy] = field(default_factory=list)
    cursor: Any = None
    drift_count: int = 0

    @property
    def backfilled(self) -> int:
        return sum(1 for row in self.versions if row["source"] == "registry")


@dataclass
class _Item:
    """A version in a study's chain while planning: held, or new from this batch."""

    version: int | None
    content_hash: str
    payload_hash: str | None
    registry_version: int | None
    registry_date: date | None
    observed_at: datetime | None
    valid_from: datetime
    markup: Markup
    held: bool
    raw: RawStudy | None = None
    arrival: int = 0
    registry_record: Payload | None = None
    """The history API's copy, when ``raw`` is the observed copy of the same content."""
    position: int | None = None
    valid_to: datetime | None = None
    comparable: dict[str, Any] | None = None
    """The comparable form of ``raw``'s record (computed once, for the hash and the diff)."""

    def order_key(self) -> tuple[Any, ...]:
        return (
            self.valid_from,
            self.registry_version is None,
            self.registry_version or 0,
            self.observed_at is None,
            self.observed_at or datetime.min.replace(tzinfo=UTC),
            self.version if self.version is not None else 10**9 + self.arrival,
        )


def plan_batch(
    batch: Batch,
    states: dict[str, StudyState],
    *,
    run_id: str,
    when: datetime,
    normalizer: Any = None,
) -> Plan:
    """The rows that store ``batch``, given what the warehouse holds (``states``).

    ``normalizer`` (a :class:`warehouse.scratch.ScratchNormalizer`) builds the normalized rows
    here, off the writer; without it the writer derives them in the warehouse.
    """
    plan = Plan(run_id=run_id, when=when, cursor=batch.cursor)
    plan.tracking = TrackingBatch(run_id, when)
    plan.rejections = list(batch.rejections)
    for study_id, candidates in _by_study(batch.studies).items():
        state = states.get(study_id) or StudyState(study_id)
        try:
            _plan_study(plan, state, candidates)
        except UnparsablePayloadError as error:  # raised before the plan is touched
            plan.rejections.append(Rejection(study_id, "parse", str(error), error.text))
        for raw in candidates:
            raw.release()
    _plan_missing(plan, batch.missing, states)
    plan.index = [_index_row(entry, when) for entry in batch.index]
    if normalizer is not None and plan.normalize:
        plan.normalized = normalizer.rows(plan.normalize)
    return plan


def split_unchanged(
    batch: Batch, states: dict[str, StudyState], *, run_id: str, when: datetime
) -> tuple[Plan, Batch]:
    """The plan of the batch's unchanged studies, and the batch without them.

    A study is unchanged when its one observed payload is byte for byte its head's (and the
    registry had not stopped returning it): nothing to parse, validate or diff, one
    observation. Planning the rest may then happen elsewhere without shipping these.
    """
    plan = Plan(run_id=run_id, when=when)
    history = {s.nct_id for s in batch.studies if s.from_history}
    copies = Counter(s.nct_id for s in batch.studies if not s.from_history)
    once = {nct_id for nct_id, count in copies.items() if count == 1}
    rest: list[RawStudy] = []
    for raw in batch.studies:
        state = states.get(raw.nct_id)
        current = state.current if state else None
        if (
            state is not None
            and current is not None
            and not raw.from_history
            and raw.nct_id in once
            and raw.nct_id not in history
            and not state.missing
            and current.payload_hash == raw.payload_hash
        ):
            plan.observations.append(
                _observation(plan, raw.nct_id, "unchanged", current.content_hash, current.version)
            )
            plan.results.append(
                StoredStudy(raw.nct_id, "unchanged", current.version, current.content_hash,
                            current.version)
            )  # fmt: skip
            continue
        rest.append(raw)
    return plan, replace(batch, studies=rest)


def merge_plans(plan: Plan, unchanged: Plan) -> Plan:
    """``plan`` with the observations and results of ``unchanged`` (from split_unchanged)."""
    plan.observations.extend(unchanged.observations)
    plan.results.extend(unchanged.results)
    return plan


def _by_study(studies: Iterable[RawStudy]) -> dict[str, list[RawStudy]]:
    """Candidates per study; of several observed copies the last wins (the latest sent)."""
    grouped: dict[str, list[RawStudy]] = {}
    for raw in studies:
        group = grouped.setdefault(raw.nct_id, [])
        if not raw.from_history:
            group[:] = [c for c in group if c.from_history]
        elif any(c.registry_version == raw.registry_version for c in group):
            continue
        group.append(raw)
    return grouped


def _plan_study(plan: Plan, state: StudyState, candidates: list[RawStudy]) -> None:
    nct_id = state.nct_id
    chain = [_held_item(v) for v in state.versions]
    old_predecessor = {
        item.version: (chain[i - 1].version if i else None) for i, item in enumerate(chain)
    }
    known_registry = {v.registry_version for v in state.versions if v.registry_version is not None}
    links: dict[int, dict[str, Any]] = {}
    new_items: list[_Item] = []
    arrival = 0

    history = sorted(
        (c for c in candidates if c.from_history), key=lambda c: c.registry_version or 0
    )
    if history and not state.complete:
        raise ValueError(
            f"{nct_id}: history arrived but read_states loaded only the head; pass the batch "
            "with its history to read_states"
        )
    for raw in history:
        if raw.registry_version in known_registry:
            continue
        comparable = comparable_record(raw.record, raw.markup)
        digest = comparable_hash(comparable)
        twin = next(
            (
                item
                for item in chain + new_items
                if item.registry_version is None and item.content_hash == digest
            ),
            None,
        )
        if twin is not None:
            twin.registry_version = raw.registry_version
            if twin.held and twin.version is not None:
                link = links.setdefault(twin.version, _link(nct_id, twin.version))
                link["registry_version"] = raw.registry_version
                if twin.markup == MARKDOWN and raw.markup == HTML:
                    link["registry_record"] = raw.payload
            elif twin.raw is not None and raw.markup == HTML:
                twin.registry_record = raw.payload
            continue
        arrival += 1
        new_items.append(_new_item(raw, digest, None, arrival, comparable))

    observed = [c for c in candidates if not c.from_history]
    outcome: Outcome | None = None
    if observed:
        outcome = _place_observed(plan, state, chain, new_items, links, observed[-1], arrival)

    reorders = any("registry_version" in link for link in links.values())
    if new_items or reorders:
        _number(new_items, state)
        chain = sorted(chain + new_items, key=_Item.order_key)
        _place_chain(plan, nct_id, chain)
    events = [e for events in _diff_chain(plan, state, chain, old_predecessor).values()
              for e in events]  # fmt: skip
    for item in new_items:
        assert item.version is not None and item.raw is not None
        plan.versions.append(_version_row(plan, nct_id, item))
        plan.normalize.append((nct_id, item.version, item.raw.payload))
        _validate(plan, nct_id, item.version, item.raw)
        if item.registry_version is not None:
            plan.history_links.append(_history_link(nct_id, item.registry_version, item.version))
    for link in links.values():
        plan.links.append(link)
        if "registry_version" in link:
            plan.history_links.append(
                _history_link(nct_id, link["registry_version"], link["version"])
            )
        if "record" in link:  # the observed Markdown copy replaces a held HTML one
            plan.normalize.append((nct_id, link["version"], link["record"]))
            plan.rederive.append((nct_id, link["version"]))
            _validate(plan, nct_id, link["version"], observed[-1])
    current = max(chain, key=_Item.order_key)
    assert current.version is not None
    _plan_head(plan, state, current, new_items, links)
    backfilled = sum(1 for item in new_items if item.raw is not None and item.raw.from_history)
    previous = state.current.version if state.current else None
    if outcome is None:
        plan.results.append(
            StoredStudy(nct_id, "backfilled", current.version, current.content_hash, previous,
                        events, backfilled)
        )  # fmt: skip
        return
    if not state.versions:
        outcome = "new"
    events += _reappeared(plan, state, current.version)
    plan.observations.append(
        _observation(plan, nct_id, outcome, current.content_hash, current.version)
    )
    plan.results.append(
        StoredStudy(nct_id, outcome, current.version, current.content_hash, previous, events,
                    backfilled)
    )  # fmt: skip


def _place_observed(
    plan: Plan,
    state: StudyState,
    chain: list[_Item],
    new_items: list[_Item],
    links: dict[int, dict[str, Any]],
    raw: RawStudy,
    arrival: int,
) -> Outcome:
    """Decide whether an observed record is the current version (``unchanged``, perhaps
    linking it) or a new one (``changed``, appended to ``new_items``)."""
    current = max(chain + new_items, key=_Item.order_key) if chain or new_items else None
    digest_payload = raw.payload_hash
    if current is not None and current.held and current.payload_hash == digest_payload:
        return "unchanged"
    comparable = comparable_record(raw.record, raw.markup)
    digest = comparable_hash(comparable)
    if current is not None and current.content_hash == digest:
        if current.held and current.version is not None:
            link = links.setdefault(current.version, _link(state.nct_id, current.version))
            link["payload_hash"] = digest_payload
            if current.observed_at is None:
                link["observed_at"] = plan.when
            if current.markup == HTML and raw.markup == MARKDOWN:
                held_record = state.records.get(current.version)
                link["record"] = raw.payload
                link["markup"] = MARKDOWN
                if held_record is not None:
                    link["registry_record"] = compact_json(held_record[0])
            return "unchanged"
        current.observed_at = plan.when
        current.payload_hash = digest_payload
        if current.raw is not None and current.markup == HTML and raw.markup == MARKDOWN:
            current.registry_record = current.raw.payload
            current.raw = raw
            current.markup = MARKDOWN
            current.comparable = comparable
        return "changed"  # the version it matches is new in this batch (from the history)
    item = _new_item(raw, digest, plan.when, arrival + 1, comparable)
    item.payload_hash = digest_payload
    if current is not None and item.valid_from < current.valid_from:
        # What the registry serves now is its current version, whatever date it bears: it
        # never slots in before a version already held.
        item.valid_from = current.valid_from
    new_items.append(item)
    return "changed"


def _plan_head(
    plan: Plan,
    state: StudyState,
    current: _Item,
    new_items: list[_Item],
    links: dict[int, dict[str, Any]],
) -> None:
    """The study's head after this batch: a new row when its current version changed, the
    changed fields when the current version stays but learnt something (a link)."""
    max_version = max([state.max_version, *(i.version or 0 for i in new_items),
                       *(v.version for v in state.versions)])  # fmt: skip
    held_current = state.current
    same = current.held and held_current is not None and held_current.version == current.version
    if not same:
        plan.heads.append(_head_row(state, current, max_version))
        return
    assert held_current is not None
    link = links.get(held_current.version)
    if (
        link is None
        and max_version == state.max_version
        and (current.position == held_current.position)
    ):
        return
    update: dict[str, Any] = {"nct_id": state.nct_id, "max_version": max_version,
                              "position": current.position}  # fmt: skip
    if link is not None:
        for key in ("observed_at", "registry_version", "payload_hash", "markup"):
            update[key] = link.get(key)
    plan.head_updates.append(update)


def _head_row(state: StudyState, current: _Item, max_version: int) -> dict[str, Any]:
    return {
        "nct_id": state.nct_id,
        "version": current.version,
        "max_version": max_version,
        "position": current.position,
        "content_hash": current.content_hash,
        "payload_hash": current.payload_hash,
        "registry_version": current.registry_version,
        "registry_date": current.registry_date,
        "observed_at": current.observed_at,
        "valid_from": current.valid_from,
        "markup": current.markup,
        "missing": state.missing,
    }


def _place_chain(plan: Plan, nct_id: str, chain: list[_Item]) -> None:
    """Positions and ``valid_to`` on the registry's clock: set on new versions, and updates for
    the held ones whose place moved (the previous current version, older ones slotted in)."""
    offset = (chain[0].position or 1) - 1 if chain and chain[0].held else 0
    for index, item in enumerate(chain):
        position = offset + index + 1
        valid_to = chain[index + 1].valid_from if index + 1 < len(chain) else None
        moved = (item.position, item.valid_to) != (position, valid_to)
        if item.held and index == 0 and offset and valid_to is None:
            moved = False
        item.position, item.valid_to = position, valid_to
        if item.held and moved:
            plan.chain_updates.append(
                {"nct_id": nct_id, "version": item.version, "position": position,
                 "valid_to": valid_to}
            )  # fmt: skip


def _history_link(nct_id: str, registry_version: int, version: int) -> dict[str, Any]:
    return {"nct_id": nct_id, "registry_version": registry_version, "version": version}


def _number(new_items: list[_Item], state: StudyState) -> None:
    """Give new versions the next free numbers, in registry order."""
    next_number = max([state.max_version, *(v.version for v in state.versions)]) + 1
    for item in sorted(new_items, key=_Item.order_key):
        item.version = next_number
        next_number += 1


def _diff_chain(
    plan: Plan,
    state: StudyState,
    chain: list[_Item],
    old_predecessor: dict[int | None, int | None],
) -> dict[int, list[Event]]:
    """Changes and events of each new version, and of held versions whose predecessor moved."""
    assert plan.tracking is not None
    events: dict[int, list[Event]] = {}
    comparable: dict[int, dict[str, Any]] = {}

    def record_of(item: _Item) -> dict[str, Any]:
        assert item.version is not None
        if item.version not in comparable:
            if item.comparable is not None:
                comparable[item.version] = item.comparable
                return item.comparable
            if item.raw is not None:
                record, markup = item.raw.record, item.markup
            else:
                held = state.records.get(item.version)
                if held is None:
                    raise KeyError(
                        f"{state.nct_id} v{item.version}: the planner needs its record; "
                        "read_states must load it"
                    )
                record, markup = held
            comparable[item.version] = comparable_record(record, markup)
        return comparable[item.version]

    for index, item in enumerate(chain):
        assert item.version is not None
        predecessor = chain[index - 1] if index else None
        if item.held:
            if old_predecessor.get(item.version) == (predecessor.version if predecessor else None):
                continue
            plan.replaced.append((state.nct_id, item.version))
        previous = record_of(predecessor) if predecessor else None
        events[item.version] = plan.tracking.add_version(
            nct_id=state.nct_id,
            version=item.version,
            record=record_of(item),
            previous_version=predecessor.version if predecessor else None,
            previous_record=previous,
            registry_date=item.registry_date,
        )
    return events


def _plan_missing(plan: Plan, nct_ids: Sequence[str], states: dict[str, StudyState]) -> None:
    """Studies the registry answered 404 for: missing if tracked (an event the first time),
    else not found."""
    assert plan.tracking is not None
    for nct_id in dict.fromkeys(nct_ids):
        state = states.get(nct_id)
        current = state.current if state else None
        events: list[Event] = []
        if current is not None and state is not None and not state.missing:
            events.append(
                plan.tracking.add_presence(
                    nct_id=nct_id, version=current.version, event_type="study_missing"
                )
            )
        outcome: Outcome = "missing" if current is not None else "not_found"
        plan.missing.append(nct_id)
        plan.observations.append(_observation(plan, nct_id, outcome))
        plan.results.append(
            StoredStudy(nct_id, outcome, current.version if current else None, None, events=events)
        )


def _reappeared(plan: Plan, state: StudyState, version: int) -> list[Event]:
    assert plan.tracking is not None
    if not state.missing or not state.versions:
        return []
    return [
        plan.tracking.add_presence(
            nct_id=state.nct_id, version=version, event_type="study_reappeared"
        )
    ]


def _validate(plan: Plan, nct_id: str, version: int, raw: RawStudy) -> None:
    """Findings and drift of a new version; a failed validation never loses the version."""
    from models.check import check_study_json

    try:
        drift = check_study_json(raw.payload, raw.record)
    except StudyValidationError as error:
        for ordinal, detail in enumerate(error.errors):
            plan.findings.append(
                {
                    "nct_id": nct_id,
                    "version": version,
                    "ordinal": ordinal,
                    "path": detail.get("path", ""),
                    "rule": str(detail.get("type", "invalid")),
                    "value": _json_or_none(detail.get("input")),
                    "message": str(detail.get("msg", "")),
                }
            )
        return
    plan.drift_count += len(drift)
    plan.drift.extend(
        {"nct_id": nct_id, "version": version, "pointer": d.path, "kind": d.kind, "value": d.value}
        for d in drift
    )


def _json_or_none(value: Any) -> str | None:
    if value is None:
        return None
    try:
        return compact_json(value)
    except (TypeError, ValueError):
        return compact_json(str(value))


def registry_date_of(record: dict[str, Any]) -> date | None:
    """The record's own ``lastUpdatePostDateStruct.date``: the day the registry posted it."""
    node: Any = record
    for key in REGISTRY_DATE_PATH:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    if not isinstance(node, str):
        return None
    try:
        return date.fromisoformat(node)
    except ValueError:
        return None


def key_columns(record: dict[str, Any]) -> dict[str, Any]:
    """The columns of ``study_versions`` read from the record, for everyday questions."""
    protocol = _dict(record.get("protocolSection"))
    status = _dict(protocol.get("statusModule"))
    design = _dict(protocol.get("designModule"))
    phases = design.get("phases")
    count = _dict(design.get("enrollmentInfo")).get("count")
    title = _dict(protocol.get("identificationModule")).get("briefTitle")
    overall = status.get("overallStatus")
    return {
        "overall_status": overall if isinstance(overall, str) else None,
        "last_update_post_date": registry_date_of(record),
        "brief_title": title if isinstance(title, str) else None,
        "phases": [p for p in phases if isinstance(p, str)] if isinstance(phases, list) else None,
        "enrollment_count": (
            count if isinstance(count, int) and not isinstance(count, bool) else None
        ),
    }


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def day_start(day: date) -> datetime:
    """00:00 UTC of ``day``: when a version posted that day took effect on the registry's clock."""
    return datetime.combine(day, time(), tzinfo=UTC)


def _held_item(version: HeldVersion) -> _Item:
    return _Item(
        version=version.version,
        content_hash=version.content_hash,
        payload_hash=version.payload_hash,
        registry_version=version.registry_version,
        registry_date=version.registry_date,
        observed_at=version.observed_at,
        valid_from=version.valid_from,
        markup=version.markup,
        held=True,
        position=version.position,
        valid_to=version.valid_to,
    )


def _new_item(
    raw: RawStudy,
    digest: str,
    observed_at: datetime | None,
    arrival: int,
    comparable: dict[str, Any],
) -> _Item:
    registry_date = registry_date_of(raw.record)
    valid_from = day_start(registry_date) if registry_date else (observed_at or datetime.now(UTC))
    return _Item(
        version=None,
        content_hash=digest,
        payload_hash=raw.payload_hash,
        registry_version=raw.registry_version,
        registry_date=registry_date,
        observed_at=observed_at,
        valid_from=valid_from,
        markup=raw.markup,
        held=False,
        raw=raw,
        arrival=arrival,
        comparable=comparable,
    )


def _link(nct_id: str, version: int) -> dict[str, Any]:
    return {"nct_id": nct_id, "version": version}


def _version_row(plan: Plan, nct_id: str, item: _Item) -> dict[str, Any]:
    assert item.raw is not None
    return {
        "nct_id": nct_id,
        "version": item.version,
        "content_hash": item.content_hash,
        "payload_hash": item.payload_hash,
        "valid_from": item.valid_from,
        "valid_to": item.valid_to,
        "position": item.position,
        "source": "registry" if item.raw.from_history else "observed",
        "registry_version": item.registry_version,
        "registry_date": item.registry_date,
        "observed_at": item.observed_at,
        "markup": item.markup,
        "run_id": plan.run_id,
        "record": item.raw.payload,
        "registry_record": item.registry_record,
        **key_columns(item.raw.record),
    }


def _observation(
    plan: Plan,
    nct_id: str,
    outcome: Outcome,
    digest: str | None = None,
    version: int | None = None,
) -> dict[str, Any]:
    return {
        "run_id": plan.run_id,
        "nct_id": nct_id,
        "observed_at": plan.when,
        "outcome": outcome,
        "content_hash": digest,
        "version": version,
    }


def _index_row(entry: IndexEntry, when: datetime) -> dict[str, Any]:
    return {
        "nct_id": entry.nct_id,
        "registry_version": entry.registry_version,
        "index_date": entry.index_date,
        "overall_status": entry.overall_status,
        "module_labels": list(entry.module_labels),
        "entry": compact_json(entry.entry),
        "indexed_at": when,
        "skipped": entry.skipped,
    }
