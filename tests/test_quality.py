"""``ctgov drift`` lists unknown fields, unknown enum values and spec violations by pointer;
``ctgov reprocess`` re-runs quarantined payloads and marks those that became versions.

Records are real ones changed in memory the way the registry drifts (a new field, a new
status, an age written ``18 years``); the files on disk are never modified.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from flows import pipeline
from flows.cli import app
from flows.settings import Settings
from models.payload import Batch, RawStudy, Rejection
from tests.conftest import study_text
from warehouse.database import connect

STUDIES = ["NCT02513394", "NCT03934567", "NCT00763412"]


@dataclass
class Given:
    """A source of given batches, as a registry or bulk source would yield them."""

    given: Sequence[Batch]
    kind: str = "ingest"
    key: str = "test:given"
    cursor_key: str = "test:given"
    description: str = "given records"
    seen: list[int] = field(default_factory=list)

    def total(self) -> int | None:
        return sum(len(b.studies) for b in self.given)

    def batches(self, resume: Any = None) -> Iterator[Batch]:
        yield from self.given


def _changed(nct_id: str, change: Callable[[dict[str, Any]], None]) -> RawStudy:
    record = json.loads(study_text(nct_id))
    change(record)
    return RawStudy(nct_id, None, json.dumps(record, ensure_ascii=False))


def _status(record: dict[str, Any]) -> dict[str, Any]:
    module: dict[str, Any] = record["protocolSection"]["statusModule"]
    return module


def _drifted(record: dict[str, Any]) -> None:
    _status(record)["overallStatus"] = "PAUSED_FOR_REVIEW"
    _status(record)["reviewBoardNote"] = "new in the registry"


def _lowercase_age(record: dict[str, Any]) -> None:
    record["protocolSection"]["eligibilityModule"]["minimumAge"] = "18 years"


def _settings(db: Path) -> Settings:
    return Settings(db=db, export=False)


def _run(db: Path, *batches: Batch) -> pipeline.RunReport:
    return pipeline.run_source(_settings(db), Given(batches), history="off")


def _cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def drifted(tmp_path: Path) -> Path:
    db = tmp_path / "w.duckdb"
    _run(
        db,
        Batch(
            studies=[
                _changed(STUDIES[0], _drifted),
                _changed(STUDIES[1], _drifted),
                _changed(STUDIES[2], _lowercase_age),
            ]
        ),
    )
    return db


def test_drift_lists_each_pointer_with_its_studies_and_dates(drifted: Path) -> None:
    result = _cli("drift", "--format", "json", "--db", str(drifted))
    assert result.exit_code == 0, result.output
    rows = {(r["kind"], r["pointer"]): r for r in json.loads(result.stdout)}
    status = rows[("unknown_enum", "/protocolSection/statusModule/overallStatus")]
    assert (status["value"], status["studies"], status["versions"]) == ("PAUSED_FOR_REVIEW", 2, 2)
    assert status["example"] == min(STUDIES[:2])
    assert status["first_posted"] and status["last_seen"]
    field_row = rows[("unknown_field", "/protocolSection/statusModule/reviewBoardNote")]
    assert field_row["studies"] == 2
    (finding,) = [r for (kind, _), r in rows.items() if kind.startswith("finding:")]
    assert finding["pointer"].endswith("minimumAge") and finding["value"] == '"18 years"'
    assert finding["example"] == STUDIES[2]


def test_a_spec_violation_is_a_version_whose_changes_are_still_seen(
    drifted: Path,
) -> None:
    """The trial with the bad age is a version, and its next status change is an event."""

    def closed(record: dict[str, Any]) -> None:
        _lowercase_age(record)
        _status(record)["overallStatus"] = "TERMINATED"

    _run(drifted, Batch(studies=[_changed(STUDIES[2], closed)]))
    with connect(drifted, read_only=True) as con:
        versions = con.execute(
            "SELECT count(*) FROM study_versions WHERE nct_id = ?", [STUDIES[2]]
        ).fetchone()
        events = con.execute(
            "SELECT count(*) FROM study_events WHERE nct_id = ? AND event_type = 'status_changed'",
            [STUDIES[2]],
        ).fetchone()
        quarantined = con.execute("SELECT count(*) FROM rejected_records").fetchone()
    assert versions == (2,) and events == (1,) and quarantined == (0,)


def test_drift_since_a_later_day_and_as_plain_text(drifted: Path) -> None:
    later = _cli("drift", "--since", "2999-01-01", "--db", str(drifted))
    assert later.exit_code == 0 and later.stdout.startswith("no drift since 2999-01-01")
    text = _cli("drift", "--db", str(drifted))
    lines = text.stdout.splitlines()
    assert lines[0].split()[:4] == ["kind", "pointer", "value", "studies"]
    assert any("PAUSED_FOR_REVIEW" in line and " 2 " in line for line in lines)
    assert all(len(line) <= 200 for line in lines)


def test_drift_with_a_bad_since_is_one_line(drifted: Path) -> None:
    result = _cli("drift", "--since", "last tuesday", "--db", str(drifted))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "--since" in result.stderr


def _quarantine(db: Path) -> None:
    """What an older build quarantined: a spec violator (now a version with findings) and a
    payload that is not JSON at all."""
    good = _changed(STUDIES[2], _lowercase_age).text
    _run(
        db,
        Batch(
            rejections=[
                Rejection(STUDIES[2], "validate", "minimumAge does not match", good),
                Rejection("NCT00973089", "parse", "not valid JSON", '{"protocolSection": {'),
            ]
        ),
    )


def test_reprocess_stores_what_now_parses_and_marks_it_resolved(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    _quarantine(db)
    result = _cli("reprocess", "--db", str(db), "--no-export")
    assert result.exit_code == 0, result.output
    assert "1 stored and resolved, 1 still quarantined" in result.stdout
    with connect(db, read_only=True) as con:
        rows = con.execute(
            "SELECT nct_id, resolved_at IS NOT NULL, resolved_run_id IS NOT NULL "
            "FROM rejected_records ORDER BY nct_id"
        ).fetchall()
        stored = con.execute(
            "SELECT count(*) FROM study_versions WHERE nct_id = ?", [STUDIES[2]]
        ).fetchone()
        findings = con.execute(
            "SELECT count(*) FROM version_findings WHERE nct_id = ?", [STUDIES[2]]
        ).fetchone()
    assert rows == [(STUDIES[2], True, True), ("NCT00973089", False, False)]
    assert stored == (1,) and findings == (1,)
    again = _cli("reprocess", "--db", str(db), "--no-export")
    assert "0 stored and resolved, 1 still quarantined" in again.stdout
    with connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM rejected_records").fetchone() == (2,)


def test_reprocess_with_nothing_quarantined_says_so(drifted: Path) -> None:
    result = _cli("reprocess", "--db", str(drifted))
    assert result.exit_code == 0 and "nothing quarantined" in result.stdout
