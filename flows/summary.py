"""The run summary: per trial new / changed / unchanged / missing / not found / rejected, as
data, Markdown (the Prefect artifact) and plain rows for the CLI.

The outcomes a user can act on are explained where they appear (:data:`OUTCOME_ADVICE`): a
study the registry stopped returning, an ID it has never had, an ID that is an alias of
another study. A big run (a query, a bulk load) lists at most
:data:`flows.pipeline.DETAIL_CAP` studies and says so; its counts are always whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flows.pipeline import RunReport
from models.errors import InputError
from warehouse.events import Event, describe_event
from warehouse.store import RunCounts, RunStatus

OUTCOME_ADVICE: dict[str, str] = {
    "missing": (
        "tracked before, but the registry no longer has it (404): it was withdrawn from "
        "public view or merged into another record; its history is kept"
    ),
    "not_found": (
        "the registry has no study with this ID (404) and it was never stored: it is not "
        "posted yet, or the ID has a typo; check it on clinicaltrials.gov, and use --strict "
        "(CTGOV_STRICT=true) to make this an error"
    ),
    "rejected": (
        "the payload could not be stored as a version; it is kept in rejected_records with "
        "the error"
    ),
    "alias": (
        "the registry merged this ID into another study and answers it with that one; the "
        "study is stored under its own NCT ID: use that ID in the watchlist"
    ),
}
"""What an outcome means and what to do, for the outcomes that need a word."""


class UnknownIdsError(InputError):
    """``--strict``: the registry has no study for some requested IDs (the rest was stored)."""

    def __init__(self, nct_ids: list[str]) -> None:
        self.nct_ids = nct_ids
        super().__init__(
            f"--strict: the registry has no study for {', '.join(nct_ids)} (not posted yet, "
            "or a typo); the other studies were stored. Fix or drop these IDs"
        )


@dataclass(frozen=True)
class TrialLine:
    nct_id: str
    outcome: str
    version: int | None
    status: str | None
    title: str | None
    note: str = ""
    events: list[Event] = field(default_factory=list)
    requested_as: list[str] = field(default_factory=list)
    """IDs the run asked for that the registry answered with this study (aliases)."""
    backfilled: int = 0


@dataclass(frozen=True)
class RunSummary:
    run_id: str
    kind: str
    source: str
    status: RunStatus
    counts: RunCounts
    drift: int
    registry_data_timestamp: datetime | None
    trials: list[TrialLine]
    seconds: float = 0.0
    studies: int = 0
    truncated: bool = False

    @property
    def events(self) -> list[tuple[str, int, Event]]:
        """Every change event of the run with its study and version."""
        return [
            (t.nct_id, e.version or t.version, e)
            for t in self.trials
            if t.version is not None
            for e in t.events
        ]

    @property
    def not_found(self) -> list[str]:
        """IDs the registry has no study for and that were never stored."""
        return [t.nct_id for t in self.trials if t.outcome == "not_found"]

    def headline(self) -> str:
        c = self.counts
        backfilled = f", {c.backfilled} backfilled" if c.backfilled else ""
        return (
            f"run {self.run_id[:8]} {self.status}: {c.requested} requested, {c.new} new, "
            f"{c.changed} changed, {c.unchanged} unchanged, {c.missing} missing, "
            f"{c.not_found} not found, {c.rejected} rejected{backfilled}, "
            f"{self.drift} schema drift"
        )

    def rate(self) -> str:
        """Throughput of the run, e.g. ``5,000 studies in 12.3 s (406/s)``."""
        per_s = self.studies / self.seconds if self.seconds > 0 else 0.0
        return f"{self.studies:,} studies in {self.seconds:.1f} s ({per_s:,.0f}/s)"


def build_summary(report: RunReport) -> RunSummary:
    asked_as: dict[str, list[str]] = {}
    for asked, canonical in report.aliases.items():
        asked_as.setdefault(canonical, []).append(asked)
    lines = []
    for item in report.results:
        status, title = report.described.get(item.nct_id, (None, None))
        lines.append(
            TrialLine(
                nct_id=item.nct_id,
                outcome=item.outcome,
                version=item.version,
                status=status,
                title=title,
                note=report.notes.get(item.nct_id, ""),
                events=item.events,
                requested_as=sorted(asked_as.get(item.nct_id, [])),
                backfilled=item.backfilled,
            )
        )
    return RunSummary(
        run_id=report.run_id,
        kind=report.kind,
        source=report.source,
        status=report.status,
        counts=report.counts,
        drift=report.drift,
        registry_data_timestamp=(
            report.registry_version.data_timestamp if report.registry_version else None
        ),
        trials=sorted(lines, key=lambda line: line.nct_id),
        seconds=report.seconds,
        studies=report.studies,
        truncated=report.detail_truncated,
    )


def advice_lines(summary: RunSummary) -> list[str]:
    """One line per outcome that needs a word, naming its studies, what it means and what to do."""
    named: dict[str, list[str]] = {}
    for trial in summary.trials:
        if trial.outcome in OUTCOME_ADVICE:
            named.setdefault(trial.outcome, []).append(trial.nct_id)
        for alias in trial.requested_as:
            named.setdefault("alias", []).append(f"{alias} → {trial.nct_id}")
    if summary.counts.rejected and "rejected" not in named:
        named["rejected"] = [f"{summary.counts.rejected} payload(s)"]
    return [
        f"{outcome.replace('_', ' ')}: {_some(ids)}: {OUTCOME_ADVICE[outcome]}"
        for outcome, ids in named.items()
    ]


def _some(ids: list[str], limit: int = 10) -> str:
    """``ids`` joined, the first ``limit`` of a long list and how many more."""
    more = f" and {len(ids) - limit:,} more" if len(ids) > limit else ""
    return ", ".join(ids[:limit]) + more


def note_lines(summary: RunSummary, shown: list[TrialLine] | None = None) -> list[str]:
    """Per-trial notes (a history that could not be fetched whole, ...) of the ``shown``
    trials, one line each, and what to run for the rest when the listing is cut short."""
    trials = summary.trials if shown is None else shown
    lines = [f"{t.nct_id}: {t.note}" for t in trials if t.note]
    cut = listing_note(summary, len(trials))
    return [*lines, cut] if cut else lines


def to_markdown(summary: RunSummary) -> str:
    """The Prefect artifact: headline, one row per trial, what needs a word, then the events."""
    lines = [
        f"# ctgov {summary.kind}: {summary.status}",
        "",
        summary.headline(),
        "",
        f"Source: {summary.source}. {summary.rate()}.",
        "",
        f"Registry data timestamp: {summary.registry_data_timestamp or 'unknown'}",
        "",
        "| NCT ID | outcome | version | backfilled | status | title | note |",
        "|---|---|---|---|---|---|---|",
    ]
    for t in summary.trials:
        lines.append(
            f"| {t.nct_id} | {t.outcome} | {t.version or ''} | {t.backfilled or ''} | "
            f"{t.status or ''} | {_cell(t.title)} | {_cell(_note(t))} |"
        )
    advice = advice_lines(summary)
    if advice:
        lines += ["", *(f"- {_cell(line)}" for line in advice)]
    if summary.truncated:
        lines += ["", f"Only the first {len(summary.trials)} studies are listed."]
    events = summary.events
    lines += ["", f"## Events ({len(events)})", ""]
    lines += [
        f"- {nct} v{version}: **{event.event_type}**: "
        f"{_cell(describe_event(event.event_type, event.details))}"
        for nct, version, event in events
    ] or ["No change events in this run."]
    return "\n".join(lines) + "\n"


TABLE_HEADERS = ["NCT ID", "outcome", "version", "status", "events"]

TERMINAL_ROWS = 30
"""Studies the CLI lists of a bigger run, and change events it prints: a bulk load's first
1,000 "new" rows only pushed the headline and the advice off the screen."""

_PLAIN_OUTCOMES = frozenset({"new", "unchanged"})


def shown_trials(summary: RunSummary, limit: int = TERMINAL_ROWS) -> list[TrialLine]:
    """At most ``limit`` of the run's studies, in NCT ID order: first those that need a look
    (changed, missing, not found, rejected, an alias, a note, change events), then the rest."""
    if len(summary.trials) <= limit:
        return summary.trials
    kept = sorted(summary.trials, key=lambda t: not _worth_a_look(t))[:limit]
    return sorted(kept, key=lambda t: t.nct_id)


def listing_note(summary: RunSummary, shown: int) -> str | None:
    """What the CLI says under a table it cut short, and how to see every study."""
    if shown >= len(summary.trials) and not summary.truncated:
        return None
    total = (
        max(summary.counts.requested, len(summary.trials))
        if summary.truncated
        else len(summary.trials)
    )
    return (
        f"(listed {shown:,} of {total:,} studies, those that need a look first; "
        'the counts are whole: ctgov sql "SELECT nct_id, outcome FROM observations '
        f"WHERE run_id = '{summary.run_id}'\" lists them all)"
    )


def _worth_a_look(trial: TrialLine) -> bool:
    return (
        trial.outcome not in _PLAIN_OUTCOMES
        or bool(trial.events and trial.outcome != "new")
        or bool(trial.note or trial.requested_as)
    )


def table_rows(summary: RunSummary, trials: list[TrialLine] | None = None) -> list[list[str]]:
    """The CLI's table: a row per trial (titles and notes are printed apart, so it stays
    narrow); ``trials`` picks the rows (default: every trial of the summary)."""
    return [
        [
            t.nct_id,
            t.outcome.replace("_", " ")
            + (f" (+{t.backfilled} from history)" if t.backfilled else ""),
            "" if t.version is None else str(t.version),
            t.status or "",
            str(len(t.events)) if t.events else "",
        ]
        for t in (summary.trials if trials is None else trials)
    ]


def event_lines(summary: RunSummary, limit: int | None = None) -> list[str]:
    """One readable line per change event, e.g. ``NCT06690827 v2: site added: …``; past
    ``limit`` events, the first ``limit`` and a line saying how to see the rest."""
    events = summary.events
    lines = [
        f"{nct_id} v{version}: {describe_event(event.event_type, event.details)}"
        for nct_id, version, event in events[:limit]
    ]
    if limit is not None and len(events) > limit:
        lines.append(
            f"(and {len(events) - limit:,} more change events: ctgov changes --since "
            "<the run's date> lists them)"
        )
    return lines


def _note(trial: TrialLine) -> str:
    aliases = ""
    if trial.requested_as:
        aliases = f"requested as {', '.join(trial.requested_as)} (an alias)"
    return "; ".join(part for part in (trial.note, aliases) if part)


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")
