"""The history, diff, show and changes commands against a real DuckDB file."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from tests.conftest import ROOT, study_record
from tests.test_tracking import T0, add_run, add_version, posted, with_status
from warehouse.database import connect
from warehouse.diff import diff_records, user_facing
from warehouse.tracking import record_presence

STUDY = "NCT03934567"
OTHER = "NCT00184067"
COMMANDS = ("history", "diff", "show", "changes")


def _app() -> typer.Typer:
    from flows.cli import app

    return app


DAYS = (0, 3, 6)
"""The days after T0 on which the registry posts (and a run observes) each version."""


def _stored_versions() -> list[dict[str, Any]]:
    """The three versions as stored: posted by the registry on their days."""
    return [posted(v, T0 + timedelta(days=d)) for v, d in zip(_versions(), DAYS, strict=True)]


def _versions() -> list[dict[str, Any]]:
    v1 = study_record(STUDY)
    v2 = with_status(v1, "COMPLETED")
    v2["protocolSection"]["contactsLocationsModule"]["locations"][0]["status"] = "COMPLETED"
    v3 = copy.deepcopy(v2)
    v3["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = 91
    return [v1, v2, v3]


@pytest.fixture(scope="module")
def warehouse_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three runs: run-1 sees both studies, run-2 changes STUDY, run-3 changes it again
    and finds OTHER missing. Built once: every command opens it read-only."""
    db_path = tmp_path_factory.mktemp("cli") / "ctgov.duckdb"
    con = connect(db_path)
    v1, v2, v3 = _versions()
    add_run(con, "run-1", 0, "succeeded")
    add_version(con, STUDY, v1, T0, run_id="run-1")
    add_version(con, OTHER, study_record(OTHER), T0, run_id="run-1")
    add_run(con, "run-2", 3, "succeeded")
    add_version(con, STUDY, v2, T0 + timedelta(days=3), run_id="run-2")
    add_run(con, "run-3", 6, "partial")
    add_version(con, STUDY, v3, T0 + timedelta(days=6), run_id="run-3")
    record_presence(
        con,
        run_id="run-3",
        nct_id=OTHER,
        version=1,
        event_type="study_missing",
        occurred_at=T0 + timedelta(days=6),
    )
    con.close()
    return db_path


def _run(db: Path, *args: str) -> Any:
    return CliRunner().invoke(_app(), [*args, "--db", str(db)])


def _assert_one_line_error(result: Any, *fragments: str, code: int = 1) -> None:
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    message = result.stderr.strip()
    assert "\n" not in message and "Traceback" not in message
    for fragment in fragments:
        assert fragment in message


def test_history_lists_versions_with_a_summary_of_each(warehouse_db: Path) -> None:
    result = _run(warehouse_db, "history", "nct3934567")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"{STUDY}: 3 version(s), oldest first on the registry's clock"
    assert lines[1].split()[:5] == ["v1", "posted", T0.date().isoformat(), "seen", str(T0.date())]
    assert lines[1].startswith("v1") and lines[1].endswith("first seen (ACTIVE_NOT_RECRUITING)")
    assert lines[2].startswith("v2") and lines[2].endswith(
        "status ACTIVE_NOT_RECRUITING → COMPLETED; site " + _site_place() + ": unset → COMPLETED"
    )
    assert lines[3].startswith("v3") and lines[3].endswith("enrollment 87 (ACTUAL) → 91 (ACTUAL)")


def _site_place() -> str:
    site = study_record(STUDY)["protocolSection"]["contactsLocationsModule"]["locations"][0]
    return f"{site['facility']}, {site['city']}, {site['country']}"


def test_diff_json_defaults_to_the_last_two_versions(warehouse_db: Path) -> None:
    _, v2, v3 = _stored_versions()
    result = _run(warehouse_db, "diff", STUDY, "--format", "json")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    expected = user_facing(diff_records(v2, v3))
    assert [{k: v for k, v in c.items() if k != "hunks"} for c in shown] == [
        c.as_json() for c in expected
    ]
    texts = [isinstance(c.old, str) and isinstance(c.new, str) for c in expected]
    assert [c["hunks"] is not None for c in shown] == texts


def test_diff_text_between_chosen_versions(warehouse_db: Path) -> None:
    result = _run(warehouse_db, "diff", STUDY, "--from", "1", "--to", "3")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"{STUDY} v1 → v3: 4 change(s)"
    assert (
        '~ protocolSection.statusModule.overallStatus: "ACTIVE_NOT_RECRUITING" → "COMPLETED"'
        in lines
    )
    assert "~ protocolSection.designModule.enrollmentInfo.count: 87 → 91" in lines
    assert any(
        line.startswith("+ protocolSection.contactsLocationsModule.locations[")
        and line.endswith('].status: "COMPLETED"')
        for line in lines
    )


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("diff", STUDY, "--to", "1"), (STUDY, "no version before 1", "ctgov show")),
        (("history", "NCT09999999"), ("NCT09999999 is not in the warehouse",)),
        (("show", "NCT09999999"), ("NCT09999999 is not in the warehouse",)),
        (("show", STUDY, "--as-of", "2020-01-01"), (STUDY, "not posted by the registry yet")),
    ],
)
def test_failures_are_one_line_and_exit_1(
    warehouse_db: Path, args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    _assert_one_line_error(_run(warehouse_db, *args), *fragments)


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("diff", STUDY, "--from", "9"), (STUDY, "no version 9", "versions 1–3")),
        (("history", "NCTX"), ("'NCTX' is not an NCT ID",)),
        (("diff", "NCT-1"), ("'NCT-1' is not an NCT ID",)),
        (("show", "12345"), ("'12345' is not an NCT ID",)),
        (("show", STUDY, "--as-of", "yesterday"), ("--as-of 'yesterday' is not a date",)),
        (("show", STUDY, "--as-of", "9999-12-31"), ("too far in the future",)),
        (("changes", "--since", "2024-13-01"), ("--since '2024-13-01' is not a date",)),
        (("changes", "--kind", "status_changed,bogus"), ("unknown event kind(s): bogus",)),
        (("changes", "--since", "2024-01-01", "--since-last-run"), ("not both",)),
    ],
)
def test_bad_input_is_one_line_and_exit_2_in_every_command(
    warehouse_db: Path, args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    _assert_one_line_error(_run(warehouse_db, *args), *fragments, code=2)


def test_a_missing_database_is_one_line(tmp_path: Path) -> None:
    result = _run(tmp_path / "nowhere.duckdb", "history", STUDY)
    _assert_one_line_error(result, "nowhere.duckdb does not exist yet", "ctgov ingest")


def test_a_locked_database_is_one_line(warehouse_db: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
            "print('ready', flush=True); time.sleep(60)",
            str(warehouse_db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        result = _run(warehouse_db, "history", STUDY)
    finally:
        holder.terminate()
        holder.wait(timeout=10)
    _assert_one_line_error(result, "in use by another process", f"PID {holder.pid}")


def test_show_prints_the_record_now_and_as_of_a_date(warehouse_db: Path) -> None:
    v1, _, v3 = _stored_versions()
    now = _run(warehouse_db, "show", STUDY)
    assert now.exit_code == 0, now.output
    assert json.loads(now.stdout) == v3
    day_one = (T0 + timedelta(days=1)).date().isoformat()
    earlier = _run(warehouse_db, "show", STUDY, "--as-of", day_one)
    assert json.loads(earlier.stdout) == v1
    exact = _run(warehouse_db, "show", STUDY, "--as-of", (T0 + timedelta(days=3)).isoformat())
    assert json.loads(exact.stdout)["protocolSection"]["statusModule"]["overallStatus"] == (
        "COMPLETED"
    )


def test_changes_since_a_date_filtered_by_kind(warehouse_db: Path) -> None:
    since = (T0 + timedelta(days=2)).date().isoformat()
    result = _run(warehouse_db, "changes", "--since", since, "--format", "json")
    assert result.exit_code == 0, result.output
    events = json.loads(result.stdout)
    assert [(e["nct_id"], e["version"], e["event_type"]) for e in events] == [
        (STUDY, 2, "status_changed"),
        (STUDY, 2, "site_status_changed"),
        (STUDY, 3, "enrollment_changed"),
        (OTHER, 1, "study_missing"),
    ]
    assert set(events[0]) == {
        "event_id",
        "nct_id",
        "version",
        "run_id",
        "event_type",
        "registry_date",
        "occurred_at",
        "details",
    }

    filtered = _run(warehouse_db, "changes", "--kind", "status_changed", "--kind", "study_missing")
    assert filtered.exit_code == 0, filtered.output
    lines = filtered.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].split()[:3] == [(T0 + timedelta(days=3)).date().isoformat(), STUDY, "v2"]
    assert lines[0].endswith("status ACTIVE_NOT_RECRUITING → COMPLETED")
    assert lines[1].split()[1:3] == [OTHER, "v1"]
    assert "no longer returned by the registry" in lines[1]


def test_changes_since_last_run_shows_what_the_latest_run_brought(warehouse_db: Path) -> None:
    result = _run(warehouse_db, "changes", "--since-last-run", "--format", "json")
    assert result.exit_code == 0, result.output
    assert [(e["run_id"], e["event_type"]) for e in json.loads(result.stdout)] == [
        ("run-3", "enrollment_changed"),
        ("run-3", "study_missing"),
    ]


def test_the_database_defaults_to_the_environment(warehouse_db: Path) -> None:
    result = CliRunner().invoke(_app(), ["history", STUDY], env={"CTGOV_DB": str(warehouse_db)})
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{STUDY}: 3 version(s)")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_an_example_and_a_db_option(command: str) -> None:
    result = CliRunner().invoke(_app(), [command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert f"Example: ctgov {command}" in result.stdout
    assert "--db" in result.stdout


HEAVY_MODULES = (
    "prefect", "httpx", "pydantic_settings", "tenacity", "models.generated", "plotly", "jinja2",
)  # fmt: skip
"""What the read-only commands must not import: seconds of start-up they never use."""

READ_ONLY_COMMANDS = [
    ["--help"],
    ["history", STUDY],
    ["diff", STUDY],
    ["show", STUDY],
    ["changes"],
    ["drift"],
    ["sql", "SELECT count(*) FROM study_versions"],
]


@pytest.mark.parametrize("args", READ_ONLY_COMMANDS, ids=lambda a: a[0])
def test_read_only_commands_import_no_prefect_httpx_or_generated_models(
    warehouse_db: Path, args: list[str]
) -> None:
    """Each command runs in a fresh interpreter; the modules it loaded are then listed."""
    argv = args if args == ["--help"] else [*args, "--db", str(warehouse_db)]
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from flows.cli import app\n"
            "try:\n"
            f"    app({argv!r}, prog_name='ctgov')\n"
            "except SystemExit as done:\n"
            "    assert not done.code, done.code\n"
            f"heavy = {HEAVY_MODULES!r}\n"
            "print('LOADED', sorted(m for m in sys.modules\n"
            "      if any(m == h or m.startswith(h + '.') for h in heavy)))",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.strip().splitlines()[-1] == "LOADED []"
