"""Every fault the imitation can raise, against two sources (IDs, a paged query), compared with
a clean run of the same day.

A fault that passes (the first two requests) ends in exactly the clean run's versions. A fault
that never passes fails the run with one line, records it as failed, and leaves nothing the
clean run would not have stored: a wrong answer from the registry never becomes history.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from flows import pipeline
from flows.settings import Settings
from imitation import Catalog, FaultPlan, FaultRule, ImitationServer
from imitation.faults import FAULT_KINDS
from models.errors import CtgovError
from registry import RegistryClient, RegistryConfig
from registry.sources import IdsSource, QuerySource, Source
from warehouse.database import connect

DAY = date(2025, 2, 18)
STUDIES = "/api/v2/studies"
READ_TIMEOUT_S = 0.4
DELAY_S = 1.2
"""Longer than a read: ``slow`` and ``hang`` answers arrive after the client gave up."""

MakeSource = Callable[[RegistryClient], Source]


@dataclass(frozen=True)
class Kind:
    name: str
    make: MakeSource


SERVED = [v.nct_id for v in Catalog.load_default().served_as_of(DAY)]
SOURCES = [
    Kind("ids", lambda client: IdsSource(client, SERVED)),
    Kind("query", lambda client: QuerySource(client, {})),
]


@pytest.fixture(scope="module")
def server() -> Iterator[ImitationServer]:
    with ImitationServer(as_of=DAY) as srv:
        yield srv


def _config(server: ImitationServer) -> RegistryConfig:
    """Three IDs a request and three studies a page: every run spans several requests."""
    return RegistryConfig(
        base_url=server.url,
        requests_per_minute=60_000,
        max_attempts=5,
        backoff_initial_s=0.01,
        backoff_jitter_s=0.01,
        read_timeout_s=READ_TIMEOUT_S,
        retry_budget_s=3.0,
        ids_per_request=3,
        page_size=3,
    )


def _run(server: ImitationServer, db: Path, source: Kind) -> pipeline.RunReport:
    settings = Settings(db=db, registry_url=server.url, export=False, batch_size=4)
    with RegistryClient(_config(server)) as client:
        return pipeline.run_source(settings, source.make(client), client=client, history="off")


def _versions(db: Path) -> set[tuple[object, ...]]:
    with connect(db, read_only=True) as con:
        return set(
            con.execute(
                "SELECT nct_id, version, content_hash, registry_date, valid_to FROM study_versions"
            ).fetchall()
        )


def _runs(db: Path) -> list[tuple[object, ...]]:
    with connect(db, read_only=True) as con:
        return con.execute("SELECT status, error FROM runs ORDER BY started_at").fetchall()


@pytest.fixture(scope="module")
def reference(
    server: ImitationServer, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, set[tuple[object, ...]]]:
    server.set_faults(None)
    clean = {}
    for source in SOURCES:
        db = tmp_path_factory.mktemp("clean") / f"{source.name}.duckdb"
        assert _run(server, db, source).status == "succeeded"
        clean[source.name] = _versions(db)
    assert clean["ids"] == clean["query"] and len(clean["ids"]) == len(SERVED)
    return clean


def _rule(kind: str, first_n: int | None) -> FaultRule:
    return FaultRule(kind=kind, first_n=first_n, path_prefix=STUDIES, delay_seconds=DELAY_S)  # type: ignore[arg-type]


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.name)
@pytest.mark.parametrize("kind", FAULT_KINDS)
def test_a_fault_that_passes_ends_in_the_clean_runs_versions(
    server: ImitationServer,
    reference: dict[str, set[tuple[object, ...]]],
    tmp_path: Path,
    kind: str,
    source: Kind,
) -> None:
    """``expired_token`` passes after one refusal: two in a row mean the query cannot go on."""
    first_n = 1 if kind == "expired_token" else 2
    server.set_faults(FaultPlan(rules=[_rule(kind, first_n)]))
    try:
        report = _run(server, tmp_path / "w.duckdb", source)
    finally:
        server.set_faults(None)
    assert report.status == "succeeded"
    assert _versions(tmp_path / "w.duckdb") == reference[source.name]
    assert _runs(tmp_path / "w.duckdb") == [("succeeded", None)]


PASS_ANYWAY = {
    ("ids", "empty_page"): "each ID the pages left out is asked for on its own",
    ("ids", "expired_token"): "an IDs request has one page and never sends a token",
    ("ids", "repeated_page"): "the token is refused (400), then each ID is asked on its own",
}


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.name)
@pytest.mark.parametrize("kind", FAULT_KINDS)
def test_a_fault_that_never_passes_fails_the_run_and_stores_nothing_wrong(
    server: ImitationServer,
    reference: dict[str, set[tuple[object, ...]]],
    tmp_path: Path,
    kind: str,
    source: Kind,
) -> None:
    db = tmp_path / "w.duckdb"
    server.set_faults(FaultPlan(rules=[_rule(kind, None)]))
    started = time.monotonic()
    try:
        report: pipeline.RunReport | None = _run(server, db, source)
        error = None
    except CtgovError as exc:
        report, error = None, exc
    finally:
        server.set_faults(None)
    assert _versions(db) <= reference[source.name]
    if (source.name, kind) in PASS_ANYWAY:
        assert report is not None and report.status == "succeeded"
        return
    assert error is not None, f"{kind} on {source.name} was believed"
    assert "\n" not in str(error) and str(error)
    ((status, recorded),) = _runs(db)
    assert status == "failed" and recorded == str(error).split("\n")[0][: len(recorded)]
    assert time.monotonic() - started < 30, "a failing registry must fail within its budget"


def test_random_faults_of_every_kind_still_end_in_the_clean_runs_versions(
    server: ImitationServer, reference: dict[str, set[tuple[object, ...]]], tmp_path: Path
) -> None:
    """A quarter of requests faulted at random (seeded), kinds mixed: the run recovers."""
    retried = [k for k in FAULT_KINDS if k not in ("expired_token", "repeated_page")]
    rules = [
        FaultRule(
            kind=k, probability=0.25 / len(retried), path_prefix=STUDIES, delay_seconds=DELAY_S
        )  # type: ignore[arg-type]
        for k in retried
    ]
    for source in SOURCES:
        server.set_faults(FaultPlan(rules=rules, seed=11))
        try:
            report = _run(server, tmp_path / f"{source.name}.duckdb", source)
        finally:
            server.set_faults(None)
        assert report.status == "succeeded"
        assert _versions(tmp_path / f"{source.name}.duckdb") == reference[source.name]
    assert server.request_log, "the imitation logged no request"
    assert any(entry.fault for entry in server.request_log)


@pytest.mark.parametrize("kind", ["empty_page", "foreign_studies"])
def test_a_wrong_page_never_marks_a_watched_study_missing(
    server: ImitationServer, tmp_path: Path, kind: str
) -> None:
    """The tester's case: every watched study already held, then a 200 that answers another
    question. No ``study_missing`` event, no false history: either every study is confirmed
    on its own (unchanged) or the run fails."""
    db = tmp_path / "w.duckdb"
    ids = SOURCES[0]
    assert _run(server, db, ids).status == "succeeded"
    before = _versions(db)
    server.set_faults(FaultPlan(rules=[_rule(kind, None)]))
    try:
        outcome: str = _run(server, db, ids).status
    except CtgovError:
        outcome = "failed"
    finally:
        server.set_faults(None)
    assert outcome == ("succeeded" if kind == "empty_page" else "failed")
    with connect(db, read_only=True) as con:
        events = con.execute(
            "SELECT count(*) FROM study_events WHERE event_type IN "
            "('study_missing', 'study_reappeared')"
        ).fetchall()
        missing = con.execute("SELECT count(*) FROM study_heads WHERE missing").fetchall()
    assert events == [(0,)] and missing == [(0,)]
    assert _versions(db) == before
