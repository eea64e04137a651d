"""The snapshot store on a real DuckDB file: versions only on change, every observation logged."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from models.hashing import content_hash
from tests.conftest import ROOT, study_record, study_text
from warehouse.database import connect
from warehouse.plan import day_start
from warehouse.store import INTERRUPTED_RUN_ERROR, ObservedStudy, Rejection, SnapshotStore

T0 = datetime(2026, 1, 5, 10, 30, tzinfo=UTC)


def observed(nct_id: str, record: dict[str, object] | None = None) -> ObservedStudy:
    if record is None:
        return ObservedStudy(nct_id, study_record(nct_id), study_text(nct_id))
    return ObservedStudy(nct_id, record, json.dumps(record, ensure_ascii=False))


def rows(con, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    result: list[tuple[object, ...]] = con.execute(sql, params or []).fetchall()
    return result


def test_first_run_creates_version_one_with_raw_json_as_received(db_path: Path) -> None:
    with connect(db_path) as con:
        store = SnapshotStore(con)
        run = store.start_run(registry_url="http://x", requested=2)
        results = store.store_batch(
            run, [observed("NCT00184067"), observed("NCT03934567")], observed_at=T0
        )
        counts = store.finish_run(run, status="succeeded")

        assert [(r.nct_id, r.outcome, r.version) for r in results] == [
            ("NCT00184067", "new", 1),
            ("NCT03934567", "new", 1),
        ]
        assert [e.event_type for e in results[0].events] == ["first_seen"]
        assert (counts.requested, counts.new, counts.unchanged) == (2, 2, 0)
        stored = rows(
            con,
            "SELECT record::VARCHAR, content_hash, valid_to, source, overall_status, brief_title, "
            "phases, enrollment_count, last_update_post_date FROM study_versions "
            "WHERE nct_id = 'NCT00184067'",
        )
    (text, digest, valid_to, source, status, title, phases, enrollment, last_update) = stored[0]
    assert text == study_text("NCT00184067")
    assert digest == content_hash(study_record("NCT00184067"))
    assert valid_to is None and source == "observed"
    record = study_record("NCT00184067")["protocolSection"]
    assert status == record["statusModule"]["overallStatus"]
    assert title == record["identificationModule"]["briefTitle"]
    assert phases == record["designModule"]["phases"]
    assert enrollment == record["designModule"]["enrollmentInfo"]["count"]
    assert str(last_update) == record["statusModule"]["lastUpdatePostDateStruct"]["date"]


def test_unchanged_reingest_adds_observations_only(db_path: Path) -> None:
    with connect(db_path) as con:
        store = SnapshotStore(con)
        for day in range(3):
            run = store.start_run(registry_url="http://x", requested=1)
            store.store_batch(run, [observed("NCT00973089")], observed_at=T0 + timedelta(days=day))
            store.finish_run(run, status="succeeded")
        assert rows(con, "SELECT count(*) FROM study_versions") == [(1,)]
        assert rows(con, "SELECT outcome, version FROM observations ORDER BY observed_at") == [
            ("new", 1),
            ("unchanged", 1),
            ("unchanged", 1),
        ]


def test_key_order_and_whitespace_do_not_make_a_version(db_path: Path) -> None:
    record = study_record("NCT00973089")
    reordered = dict(reversed(list(record.items())))
    with connect(db_path) as con:
        store = SnapshotStore(con)
        run = store.start_run(registry_url="http://x", requested=1)
        store.store_batch(run, [observed("NCT00973089")], observed_at=T0)
        again = store.store_batch(run, [observed("NCT00973089", reordered)], observed_at=T0)
    assert again[0].outcome == "unchanged"


def test_changed_record_makes_version_two_and_closes_version_one(db_path: Path) -> None:
    changed = copy.deepcopy(study_record("NCT03934567"))
    changed["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"
    posted = date.fromisoformat(
        changed["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"]
    ) + timedelta(days=7)
    changed["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = str(posted)
    later = T0 + timedelta(days=1)
    with connect(db_path) as con:
        store = SnapshotStore(con)
        run1 = store.start_run(registry_url="http://x", requested=1)
        store.store_batch(run1, [observed("NCT03934567")], observed_at=T0)
        run2 = store.start_run(registry_url="http://x", requested=1)
        result = store.store_batch(run2, [observed("NCT03934567", changed)], observed_at=later)
        counts = store.finish_run(run2, status="succeeded")
        versions = rows(
            con,
            "SELECT version, valid_from, valid_to, overall_status, run_id, observed_at "
            "FROM study_versions ORDER BY version",
        )
        events = rows(con, "SELECT event_type FROM study_events WHERE version = 2")
    assert result[0].outcome == "changed" and result[0].version == 2
    assert result[0].previous_version == 1
    assert counts.changed == 1
    (v1, from1, to1, status1, r1, seen1), (v2, from2, to2, status2, r2, seen2) = versions
    assert (v1, v2) == (1, 2)
    first_posted = date.fromisoformat(
        study_record("NCT03934567")["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"][
            "date"
        ]
    )
    assert (from1, to1) == (day_start(first_posted), day_start(posted))
    assert (from2, to2) == (day_start(posted), None)
    assert (seen1, seen2) == (T0, later)
    assert (status1, status2) == ("ACTIVE_NOT_RECRUITING", "COMPLETED")
    assert (r1, r2) == (run1, run2)
    assert ("status_changed",) in events


def test_missing_then_reappearing_study_gets_events_once(db_path: Path) -> None:
    with connect(db_path) as con:
        store = SnapshotStore(con)
        run1 = store.start_run(registry_url="http://x", requested=1)
        store.store_batch(run1, [observed("NCT00973089")], observed_at=T0)
        gone = []
        for day in (1, 2):
            run = store.start_run(registry_url="http://x", requested=1)
            gone.append(
                store.record_missing(run, ["NCT00973089"], observed_at=T0 + timedelta(days=day))
            )
            store.finish_run(run, status="partial")
        run4 = store.start_run(registry_url="http://x", requested=1)
        back = store.store_batch(
            run4, [observed("NCT00973089")], observed_at=T0 + timedelta(days=3)
        )
        events = rows(con, "SELECT event_type FROM study_events ORDER BY occurred_at")
    assert [e.event_type for e in gone[0][0].events] == ["study_missing"]
    assert gone[1][0].events == []
    assert back[0].outcome == "unchanged"
    assert [e.event_type for e in back[0].events] == ["study_reappeared"]
    assert [e[0] for e in events] == ["first_seen", "study_missing", "study_reappeared"]


def test_a_never_seen_study_is_not_found_without_event(db_path: Path) -> None:
    with connect(db_path) as con:
        store = SnapshotStore(con)
        run = store.start_run(registry_url="http://x", requested=1)
        result = store.record_missing(run, ["NCT09999999"], observed_at=T0)
        counts = store.finish_run(run, status="partial")
    assert result[0].events == [] and result[0].version is None
    assert result[0].outcome == "not_found"
    assert (counts.missing, counts.not_found) == (0, 1)


def test_rejected_payload_is_kept_with_its_error(db_path: Path) -> None:
    payload = '{"protocolSection": {"identificationModule": {"nctId": "NCT00000102"'
    with connect(db_path) as con:
        store = SnapshotStore(con)
        run = store.start_run(registry_url="http://x", requested=1)
        store.record_rejected(
            run, [Rejection("NCT00000102", "parse", "truncated JSON", payload)], observed_at=T0
        )
        counts = store.finish_run(run, status="partial")
        kept = rows(con, "SELECT nct_id, stage, error, payload FROM rejected_records")
        outcome = rows(con, "SELECT outcome FROM observations")
    assert kept == [("NCT00000102", "parse", "truncated JSON", payload)]
    assert outcome == [("rejected",)]
    assert counts.rejected == 1


def test_a_failing_batch_leaves_nothing_behind(db_path: Path) -> None:
    broken = ObservedStudy("NCT00184067", study_record("NCT00184067"), "{not json")
    with connect(db_path) as con:
        store = SnapshotStore(con)
        run = store.start_run(registry_url="http://x", requested=2)
        with pytest.raises(Exception, match="JSON"):
            store.store_batch(run, [observed("NCT00973089"), broken], observed_at=T0)
        assert rows(con, "SELECT count(*) FROM study_versions") == [(0,)]
        assert rows(con, "SELECT count(*) FROM observations") == [(0,)]
        assert rows(con, "SELECT count(*) FROM study_events") == [(0,)]


CRASHING_RUN = textwrap.dedent(
    """
    import json, os, sys
    sys.path.insert(0, {root!r})
    import warehouse.normalize as normalize
    from warehouse.database import connect
    from warehouse.store import ObservedStudy, SnapshotStore

    def crash(con, **options):
        os._exit(17)  # the process dies inside the batch transaction, after the versions insert

    normalize.normalize_versions = crash
    text = open({study!r}).read()
    con = connect({db!r})
    store = SnapshotStore(con)
    run = store.start_run(registry_url="http://x", requested=1)
    store.store_batch(run, [ObservedStudy("NCT00973089", json.loads(text), text)])
    """
)


def test_crash_mid_batch_leaves_no_partial_version_and_rerun_completes(db_path: Path) -> None:
    script = CRASHING_RUN.format(
        root=str(ROOT),
        study=str(ROOT / "imitation/data/studies/NCT00973089.json"),
        db=str(db_path),
    )
    crashed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert crashed.returncode == 17, crashed.stderr

    with connect(db_path) as con:
        assert rows(con, "SELECT count(*) FROM study_versions") == [(0,)]
        assert rows(con, "SELECT status FROM runs") == [("running",)]
        store = SnapshotStore(con)
        run = store.start_run(registry_url="http://x", requested=1)
        result = store.store_batch(run, [observed("NCT00973089")], observed_at=T0)
        store.finish_run(run, status="succeeded")
        statuses = rows(con, "SELECT status, error FROM runs ORDER BY started_at")
    assert result[0].outcome == "new"
    assert statuses == [("failed", INTERRUPTED_RUN_ERROR), ("succeeded", None)]


def test_duplicate_ids_in_a_batch_store_once(db_path: Path) -> None:
    with connect(db_path) as con:
        store = SnapshotStore(con)
        run = store.start_run(registry_url="http://x", requested=1)
        result = store.store_batch(run, [observed("NCT00973089"), observed("NCT00973089")])
        assert len(result) == 1
        assert rows(con, "SELECT count(*) FROM observations") == [(1,)]
