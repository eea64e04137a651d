"""What the CLI prints after a run: whole for a watchlist, cut short for a bulk load."""

from __future__ import annotations

import pytest

from flows.cli_runs import print_summary
from flows.summary import TERMINAL_ROWS, RunSummary, TrialLine, advice_lines, shown_trials
from warehouse.events import Event
from warehouse.store import RunCounts

RUN_ID = "0123456789abcdef"


def _summary(trials: list[TrialLine], *, truncated: bool = False, requested: int = 0) -> RunSummary:
    count = {o: sum(t.outcome == o for t in trials) for o in ("new", "changed", "unchanged")}
    return RunSummary(
        run_id=RUN_ID,
        kind="bulk",
        source="bulk /data/ctg-studies.json.zip",
        status="succeeded",
        counts=RunCounts(
            requested=requested or len(trials),
            fetched=len(trials),
            new=count["new"],
            changed=count["changed"],
            unchanged=count["unchanged"],
            missing=0,
            rejected=sum(t.outcome == "rejected" for t in trials),
        ),
        drift=0,
        registry_data_timestamp=None,
        trials=trials,
        seconds=12.0,
        studies=requested or len(trials),
        truncated=truncated,
    )


def _trial(n: int, outcome: str = "new", events: int = 0) -> TrialLine:
    nct_id = f"NCT09{n:06d}"
    return TrialLine(
        nct_id=nct_id,
        outcome=outcome,
        version=None if outcome == "rejected" else 2,
        status="RECRUITING",
        title=f"Study {n}",
        events=[
            Event("status_changed", {"from": "RECRUITING", "to": "COMPLETED"}, version=2)
            for _ in range(events)
        ],
    )


def test_a_small_run_lists_every_study(capsys: pytest.CaptureFixture[str]) -> None:
    trials = [_trial(n) for n in range(3)]

    print_summary(_summary(trials))

    out = capsys.readouterr().out
    assert all(t.nct_id in out for t in trials)
    assert "listed" not in out


def test_a_bulk_load_lists_the_studies_that_need_a_look_first(
    capsys: pytest.CaptureFixture[str],
) -> None:
    plain = [_trial(n) for n in range(0, 1000, 2)]
    changed = [_trial(n, "changed", events=1) for n in range(1, 200, 2)][:5]
    rejected = [_trial(999_001, "rejected")]
    trials = sorted([*plain, *changed, *rejected], key=lambda t: t.nct_id)
    summary = _summary(trials, truncated=True, requested=600_000)

    shown = shown_trials(summary)
    print_summary(summary)

    out = capsys.readouterr().out
    assert len(shown) == TERMINAL_ROWS
    assert {t.nct_id for t in [*changed, *rejected]} <= {t.nct_id for t in shown}
    assert [t.nct_id for t in shown] == sorted(t.nct_id for t in shown)
    table_rows = [line for line in out.splitlines() if line.startswith("NCT09")]
    assert len(table_rows) == TERMINAL_ROWS
    assert f"listed {TERMINAL_ROWS} of 600,000 studies" in out
    assert f"WHERE run_id = '{RUN_ID}'" in out


def test_change_events_past_the_limit_are_counted_not_printed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    trials = [_trial(n, "changed", events=2) for n in range(40)]

    print_summary(_summary(trials))

    out = capsys.readouterr().out
    event_rows = [line for line in out.splitlines() if "RECRUITING" in line and " v2: " in line]
    assert len(event_rows) == TERMINAL_ROWS
    assert f"and {80 - TERMINAL_ROWS:,} more change events" in out


def test_advice_names_ten_studies_and_counts_the_rest() -> None:
    trials = [_trial(900_000 + n, "rejected") for n in range(25)]

    (line,) = advice_lines(_summary(trials))

    assert line.startswith("rejected: NCT09900000, NCT09900001")
    assert "and 15 more:" in line
    assert "NCT09900024" not in line
