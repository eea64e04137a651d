"""Bad input, tried as a user would (the real ``ctgov`` in a fresh process): one line on
stderr, the documented exit code, never a traceback, and nothing lost (a damaged database is
left byte for byte as it was).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from imitation import ImitationServer
from tests import killable
from tests.conftest import ROOT
from tests.test_normalize_fixtures import build_real_warehouse
from warehouse.database import connect

STUDY = "NCT02513394"


@pytest.fixture(scope="module")
def server() -> Iterator[ImitationServer]:
    with ImitationServer(as_of=killable.DAY) as srv:
        yield srv


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """No CTGOV_* from the caller's shell, a throwaway Prefect home, one attempt a request."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CTGOV_", "PREFECT_"))}
    home = tmp_path_factory.mktemp("prefect")
    return {**clean, "PREFECT_HOME": str(home), "CTGOV_MAX_ATTEMPTS": "1", "COLUMNS": "100"}


NO_OVERRIDE = "-dac_override,-dac_read_search"


def ctgov(
    args: list[str], env: dict[str, str], cwd: Path, *, obey_permissions: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run ``ctgov``; ``obey_permissions`` takes root's power to write anywhere away (setpriv
    drops CAP_DAC_OVERRIDE), so a read-only directory is read-only for it too."""
    prefix: list[str] = []
    if obey_permissions and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.fail("running as root, this test needs setpriv (util-linux) to drop root's")
        prefix = [setpriv, f"--inh-caps={NO_OVERRIDE}", f"--bounding-set={NO_OVERRIDE}"]
    return subprocess.run(
        [*prefix, sys.executable, "-m", "flows.cli", *args],
        cwd=cwd,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def assert_one_line(result: subprocess.CompletedProcess[str], code: int, *fragments: str) -> None:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == code, output
    lines = [text for text in result.stderr.splitlines() if text.strip()]
    assert len(lines) == 1, lines
    (line,) = lines
    assert line.startswith("error: "), line
    for fragment in fragments:
        assert fragment in line, line


def _garbage(path: Path) -> Path:
    path.write_bytes(b"this is not a DuckDB file\n" * 400)
    return path


def _truncated(path: Path) -> Path:
    whole = path.parent / "whole.duckdb"
    build_real_warehouse(whole).close()
    data = whole.read_bytes()
    whole.unlink()
    path.write_bytes(data[: len(data) // 2])
    return path


def _commands(db: Path, url: str, bulk: Path) -> list[list[str]]:
    at = ["--db", str(db)]
    return [
        ["history", STUDY, *at],
        ["diff", STUDY, *at],
        ["show", STUDY, *at],
        ["changes", *at],
        ["drift", *at],
        ["sql", "SELECT 1", *at],
        ["export", *at],
        ["reprocess", *at],
        ["ingest", STUDY, *at, "--registry-url", url],
        ["backfill", STUDY, *at, "--registry-url", url],
        ["sweep", *at, "--registry-url", url],
        ["load-bulk", str(bulk), *at],
    ]


@pytest.mark.parametrize("damage", [_garbage, _truncated], ids=["garbage", "truncated"])
def test_every_command_on_a_damaged_database_says_so_in_one_line_and_keeps_it(
    server: ImitationServer, env: dict[str, str], tmp_path: Path, damage: object
) -> None:
    db = damage(tmp_path / "w.duckdb")  # type: ignore[operator]
    before = db.read_bytes()
    bulk = tmp_path / "bulk" / "13"
    bulk.mkdir(parents=True)
    shutil.copy(ROOT / "imitation" / "data" / "studies" / f"{STUDY}.json", bulk)
    tried = 0
    for args in _commands(db, server.url, bulk.parent):
        result = ctgov(args, env, tmp_path)
        assert_one_line(result, 1, str(db))
        assert db.read_bytes() == before, f"{args[0]} changed the damaged file"
        tried += 1
    assert tried == 12


def test_bad_values_and_paths_are_one_line_each(
    server: ImitationServer, env: dict[str, str], tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    build_real_warehouse(db).close()
    at = ["--db", str(db)]
    cases: list[tuple[list[str], dict[str, str], int, str]] = [
        (["show", STUDY, "--as-of", "9999-12-31", *at], {}, 2, "too far in the future"),
        (["show", STUDY, "--as-of", "yesterday", *at], {}, 2, "--as-of"),
        (["sql", *at, "--", "-- hi"], {}, 2, "no statement"),
        (["sql", "-- hi", *at], {}, 2, "goes after --"),
        (["shwo", STUDY], {}, 2, "No such command"),
        (["sql", "SELECT 1; SELECT 2", *at], {}, 2, "one statement"),
        (["ingest", "--watchlist", str(tmp_path), *at], {}, 2, "is a directory"),
        (["ingest", "XYZ123", *at], {}, 2, "XYZ123"),
        (["ingest", STUDY, *at], {"CTGOV_BATCH_SIZE": "0"}, 2, "CTGOV_BATCH_SIZE=0"),
        (["ingest", STUDY, *at], {"CTGOV_REQUESTS_PER_MINUTE": "abc"}, 2, "CTGOV_REQUESTS"),
        (["ingest", STUDY, *at, "--registry-url", "clinicaltrials.gov"], {}, 2, "http://"),
        (["ingest", STUDY, *at, "--registry-url", "http://127.0.0.1:9"], {}, 1, "127.0.0.1:9"),
        (["load-bulk", str(tmp_path / "none.zip"), *at], {}, 2, "none.zip"),
        (["history", STUDY, "--db", str(tmp_path)], {}, 1, "directory"),
    ]
    for args, extra, code, fragment in cases:
        assert_one_line(ctgov(args, {**env, **extra}, tmp_path), code, fragment)
    with connect(db, read_only=True) as con:
        runs = con.execute("SELECT count(*) FROM runs").fetchall()
    assert runs == [(0,)], "bad input, a bad registry URL included, is refused before a run"


def test_a_watchlist_with_a_byte_order_mark_is_read(
    server: ImitationServer, env: dict[str, str], tmp_path: Path
) -> None:
    watchlist = tmp_path / "watchlist.toml"
    watchlist.write_text(f'\ufeff[[trials]]\nnct_id = "{STUDY}"\n', "utf-8")
    db = tmp_path / "w.duckdb"
    args = ["ingest", "--watchlist", str(watchlist), "--db", str(db), "--no-export"]
    result = ctgov([*args, "--registry-url", server.url], env, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert STUDY in result.stdout


def test_a_database_in_a_read_only_directory_is_one_line_and_intact(
    server: ImitationServer, env: dict[str, str], tmp_path: Path
) -> None:
    """The run lock and the export's staging directory cannot be made beside the file."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    db = folder / "w.duckdb"
    build_real_warehouse(db).close()
    before = db.read_bytes()
    folder.chmod(0o555)
    try:
        args = ["ingest", STUDY, "--db", str(db), "--registry-url", server.url]
        ingest = ctgov(args, env, tmp_path, obey_permissions=True)
        assert_one_line(ingest, 1, str(folder))
        export = ctgov(["export", "--db", str(db)], env, tmp_path, obey_permissions=True)
        assert_one_line(export, 1, "export")
        reading = ctgov(["history", STUDY, "--db", str(db)], env, tmp_path, obey_permissions=True)
        assert reading.returncode == 0, reading.stderr
    finally:
        folder.chmod(0o755)
    assert db.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["w.duckdb"]
