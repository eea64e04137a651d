"""Output for people: readable at 80 columns on a terminal, plain aligned text when piped."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from flows.cli import app
from tests.conftest import study_record
from tests.test_tracking import T0, add_run, add_version, with_status
from warehouse.database import connect

ANSI = re.compile(r"\x1b\[[0-9;]*m")
TERMINAL_80 = {"TTY_COMPATIBLE": "1", "COLUMNS": "80", "NO_COLOR": "1"}
PIPED = {"TTY_COMPATIBLE": "0", "COLUMNS": "80"}
RUN_COLUMNS = [
    "run_id",
    "flow_run_id",
    "started_at",
    "finished_at",
    "status",
    "registry_url",
    "registry_api_version",
    "registry_data_timestamp",
    "requested_count",
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("output") / "ctgov.duckdb"
    con = connect(path)
    record = study_record("NCT06690827")
    add_run(con, "run-1", 0, "succeeded")
    add_version(con, "NCT06690827", record, T0, run_id="run-1")
    add_run(con, "run-2", 3, "succeeded")
    edited = with_status(record, "ACTIVE_NOT_RECRUITING")
    edited["protocolSection"]["contactsLocationsModule"]["locations"][0]["status"] = "COMPLETED"
    add_version(con, "NCT06690827", edited, T0 + timedelta(days=3), run_id="run-2")
    con.close()
    return path


def _run(db: Path, env: dict[str, str], *args: str) -> Any:
    result = CliRunner().invoke(app, [*args, "--db", str(db)], env=env)
    assert result.exit_code == 0, result.output
    return [ANSI.sub("", line) for line in result.stdout.splitlines()]


def test_a_wide_sql_result_on_an_80_column_terminal_keeps_every_header_whole(db: Path) -> None:
    lines = _run(db, TERMINAL_80, "sql", "SELECT * FROM runs")
    assert max(len(line) for line in lines) <= 80
    for column in RUN_COLUMNS:
        assert any(line.split() and line.split()[0] == column for line in lines), column


def test_a_narrow_sql_result_on_a_terminal_is_one_table(db: Path) -> None:
    lines = _run(db, TERMINAL_80, "sql", "SELECT run_id, status FROM runs ORDER BY run_id")
    header = next(line for line in lines if "run_id" in line)
    assert header.split() == ["run_id", "status"]
    assert sum("succeeded" in line for line in lines) == 2


def test_a_piped_sql_result_is_plain_aligned_text(db: Path) -> None:
    lines = _run(db, PIPED, "sql", "SELECT * FROM runs ORDER BY run_id")
    header, *rows, caption = lines
    assert header.split()[: len(RUN_COLUMNS)] == RUN_COLUMNS
    assert len(rows) == 2 and caption == "2 rows"
    assert not any(ch in "".join(lines) for ch in "┃│━─┏┡")
    status_at = header.index("status")
    assert all(row[status_at:].startswith("succeeded") for row in rows)


def test_piped_history_and_changes_are_one_aligned_line_per_row(db: Path) -> None:
    history = _run(db, PIPED, "history", "NCT06690827")
    assert len(history) == 3
    assert history[1].index("posted") == history[2].index("posted")
    changes = _run(db, PIPED, "changes")
    assert len(changes) == 3
    assert len({line.index("NCT06690827") for line in changes}) == 1
    assert len({line.index(" v") for line in changes}) == 1


def test_history_on_an_80_column_terminal_puts_long_text_under_its_row(db: Path) -> None:
    lines = _run(db, TERMINAL_80, "history", "NCT06690827")
    assert max(len(line) for line in lines) <= 80
    assert lines[1].split()[0] == "v1" and lines[2].strip() == "first seen (RECRUITING)"
    v2 = next(i for i, line in enumerate(lines) if line.startswith("v2"))
    text = lines[v2 + 1 :]
    assert text[0].strip().startswith("status RECRUITING → ACTIVE_NOT_RECRUITING")
    assert len(text) > 1 and all(line.startswith("    ") for line in text)
    assert all(len(word) < 30 for line in text for word in line.split())


def test_a_long_text_change_shows_the_changed_words_in_context(tmp_path: Path) -> None:
    path = tmp_path / "ctgov.duckdb"
    con = connect(path)
    record = study_record("NCT06690827")
    add_version(con, "NCT06690827", record, T0)
    edited = with_status(record, "RECRUITING")
    module = edited["protocolSection"]["eligibilityModule"]
    assert "within 4 weeks" in module["eligibilityCriteria"]
    module["eligibilityCriteria"] = module["eligibilityCriteria"].replace(
        "within 4 weeks", "within 6 weeks"
    )
    add_version(con, "NCT06690827", edited, T0 + timedelta(days=1))
    con.close()

    piped = _run(path, PIPED, "diff", "NCT06690827")
    (heading,) = [line for line in piped if "eligibilityCriteria" in line]
    assert heading.endswith("text changed in 1 place(s)")
    hunk = piped[piped.index(heading) + 1]
    assert "within [-4-]{+6+} weeks" in hunk
    assert hunk.strip().startswith("…") and len(hunk) < 200

    terminal = CliRunner().invoke(
        app, ["diff", "NCT06690827", "--db", str(path)], env={"TTY_COMPATIBLE": "1"}
    )
    assert "[-4-]" not in terminal.stdout and "\x1b[" in terminal.stdout

    args = ["diff", "NCT06690827", "--format", "json", "--db", str(path)]
    as_json = CliRunner().invoke(app, args)
    (text_change,) = [c for c in json.loads(as_json.stdout) if c["path"].endswith("Criteria")]
    (hunk,) = text_change["hunks"]
    changed = [seg for seg in hunk["segments"] if seg["op"] != "equal"]
    assert changed == [{"op": "removed", "text": "4"}, {"op": "added", "text": "6"}]
    assert hunk["elided_before"] and hunk["elided_after"]
