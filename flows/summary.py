"""The run summary: per trial new / changed / unchanged / missing / rejected, as data,
Markdown (the Prefect artifact) and a rich table (the CLI)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from rich.table import Table

from flows.pipeline import Fetched, Validated
from warehouse.events import Event, describe_event
from warehouse.store import RunCounts, RunStatus, StoredStudy


@dataclass(frozen=True)
class TrialLine:
    nct_id: str
    outcome: str
    version: int | None
    status: str | None
    title: str | None
    note: str = ""
    events: list[Event] = field(default_factory=list)


@dataclass(frozen=True)
class RunSummary:
    run_id: str
    status: RunStatus
    counts: RunCounts
    drift: int
    registry_data_timestamp: datetime | None
    trials: list[TrialLine]

    @property
    def events(self) -> list[tuple[str, int, Event]]:
        """Every change event of the run with its study and version."""
        return [
            (t.nct_id, t.version, e) for t in self.trials if t.version is not None for e in t.events
        ]

    def headline(self) -> str:
        c = self.counts
        return (
            f"run {self.run_id[:8]} {self.status}: {c.requested} requested, {c.new} new, "
            f"{c.changed} changed, {c.unchanged} unchanged, {c.missing} missing, "
            f"{c.rejected} rejected, {self.drift} schema drift"
        )


def build_summary(
    run_id: str,
    status: RunStatus,
    counts: RunCounts,
    fetched: Fetched,
    validated: Validated,
    stored: list[StoredStudy],
) -> RunSummary:
    records = {study.nct_id: study.record for study in validated.observed}
    lines = [
        TrialLine(
            nct_id=item.nct_id,
            outcome=item.outcome,
            version=item.version,
            status=_get(records.get(item.nct_id), "statusModule", "overallStatus"),
            title=_get(records.get(item.nct_id), "identificationModule", "briefTitle"),
            note=_drift_note(len(validated.drift.get(item.nct_id, []))),
            events=item.events,
        )
        for item in stored
    ]
    lines.extend(
        TrialLine(
            nct_id=rejection.nct_id or "?",
            outcome="rejected",
            version=None,
            status=None,
            title=None,
            note=rejection.error,
        )
        for rejection in validated.rejections
    )
    return RunSummary(
        run_id=run_id,
        status=status,
        counts=counts,
        drift=validated.drift_count,
        registry_data_timestamp=fetched.registry_version.data_timestamp,
        trials=sorted(lines, key=lambda line: line.nct_id),
    )


def to_markdown(summary: RunSummary) -> str:
    """The Prefect artifact: headline, one row per trial, then the run's change events."""
    lines = [
        f"# ctgov ingest: {summary.status}",
        "",
        summary.headline(),
        "",
        f"Registry data timestamp: {summary.registry_data_timestamp or 'unknown'}",
        "",
        "| NCT ID | outcome | version | status | title | note |",
        "|---|---|---|---|---|---|",
    ]
    for t in summary.trials:
        lines.append(
            f"| {t.nct_id} | {t.outcome} | {t.version or ''} | {t.status or ''} | "
            f"{_cell(t.title)} | {_cell(t.note)} |"
        )
    events = summary.events
    lines += ["", f"## Events ({len(events)})", ""]
    lines += [
        f"- {nct} v{version}: **{event.event_type}**: "
        f"{_cell(describe_event(event.event_type, event.details))}"
        for nct, version, event in events
    ] or ["No change events in this run."]
    return "\n".join(lines) + "\n"


def to_table(summary: RunSummary) -> Table:
    """The CLI's view: a row per trial (titles are in the artifact), notes when there are any."""
    table = Table()
    for column in ("NCT ID", "outcome", "version", "status", "events"):
        table.add_column(column)
    with_notes = any(t.note for t in summary.trials)
    if with_notes:
        table.add_column("note")
    for t in summary.trials:
        row = [
            t.nct_id,
            t.outcome,
            "" if t.version is None else str(t.version),
            t.status or "",
            str(len(t.events)) if t.events else "",
        ]
        table.add_row(*row, *([t.note] if with_notes else []))
    return table


def event_lines(summary: RunSummary) -> list[str]:
    """One readable line per change event, e.g. ``NCT06690827 v2: site added: …``."""
    return [
        f"{nct_id} v{version}: {describe_event(event.event_type, event.details)}"
        for nct_id, version, event in summary.events
    ]


def _get(record: dict[str, object] | None, module: str, key: str) -> str | None:
    if record is None:
        return None
    protocol = record.get("protocolSection")
    section = protocol.get(module) if isinstance(protocol, dict) else None
    value = section.get(key) if isinstance(section, dict) else None
    return value if isinstance(value, str) else None


def _drift_note(count: int) -> str:
    return f"{count} unknown field(s)/value(s) kept" if count else ""


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")
