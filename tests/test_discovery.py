"""Related-trial discovery: the similarity ranking, the saved queries against the imitation,
and tracking (seed, query, similarity, manual) in ``tracked_studies``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows import discovery, sources
from flows.cli import app
from flows.settings import settings_with
from flows.watchlist import load_watchlist
from imitation import ImitationServer
from imitation.catalog import Catalog
from models.similarity import condition_names, modalities, profile, rank
from registry import RegistryClient
from tests import killable
from tests.conftest import ROOT
from warehouse import tracked
from warehouse.database import connect

SEED = "NCT06690827"
RELATED = ["NCT06835140", "NCT04010877"]
NEAR_MISSES = [f"NCT0990000{i}" for i in range(1, 7)]
"""Synthetic (imitation/data/studies/README.md): AML without cell therapy, CAR-T and NK cells
for other cancers."""
DAY = date(2025, 6, 1)
"""Every study of the imitation is posted by then."""


@pytest.fixture(scope="module")
def server() -> Iterator[ImitationServer]:
    with ImitationServer(as_of=DAY) as srv:
        yield srv


@pytest.fixture
def env(tmp_path: Path, server: ImitationServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A seed-only watchlist with the repository's default saved queries, a fresh database."""
    queries = (ROOT / "watchlist.toml").read_text("utf-8").split("\n[[queries]]", 1)[1]
    watchlist = tmp_path / "watchlist.toml"
    watchlist.write_text(f'[[trials]]\nnct_id = "{SEED}"\n\n[[queries]]{queries}', "utf-8")
    monkeypatch.setenv("CTGOV_WATCHLIST", str(watchlist))
    monkeypatch.setenv("CTGOV_DB", str(tmp_path / "w.duckdb"))
    monkeypatch.setenv("CTGOV_REGISTRY_URL", server.url)
    monkeypatch.setenv("CTGOV_REQUESTS_PER_MINUTE", str(killable.REQUESTS_PER_MINUTE))
    return tmp_path / "w.duckdb"


def _profiles_of_the_catalogue() -> dict[str, object]:
    catalog = Catalog.load_default()
    records = {}
    for nct_id in catalog.nct_ids():
        records[nct_id] = profile(catalog.versions(nct_id)[-1].record)
    return records


def test_condition_names_see_abbreviations_and_inversions() -> None:
    assert condition_names("AML (Acute Myeloid Leukemia)") == {"aml", "acute myeloid leukemia"}
    assert "aml" in condition_names("Leukemia, Myeloid, Acute")
    assert "acute myeloid leukemia" in condition_names("Acute Myeloid Leukaemia")
    assert "bpdcn" in condition_names("Blastic Plasmacytoid Dendritic Cell Neoplasm")
    assert condition_names("Melanoma") == {"melanoma"}


def test_modalities_imply_the_general_ones() -> None:
    assert modalities("Anti-CD123 CAR NK cells") >= {"CAR-NK", "CAR", "NK cells", "cell therapy"}
    assert "CAR-T" in modalities("chimeric antigen receptor T cells")
    assert modalities("CD123-CD16-NK Cells") == {"NK cells", "cell therapy"}
    assert modalities("Venetoclax 400 mg") == frozenset()


def test_the_related_trials_rank_first_over_the_whole_catalogue() -> None:
    profiles = _profiles_of_the_catalogue()
    seed = profiles.pop(SEED)
    ranking = rank(profiles.values(), [seed])  # type: ignore[arg-type]
    order = [m.nct_id for m in ranking]
    assert order[:2] == RELATED
    scores = {m.nct_id: m.score for m in ranking}
    unrelated = set(scores) - set(RELATED) - set(NEAR_MISSES)
    assert len(unrelated) == 8
    assert min(scores[n] for n in RELATED) > max(scores[n] for n in NEAR_MISSES)
    assert min(scores[n] for n in NEAR_MISSES) > max(scores[n] for n in unrelated)
    first = ranking[0]
    assert first.closest == SEED
    assert [r.text for r in first.reasons][:2] == [
        "same target antigen CD123",
        "shared condition Acute Myeloid Leukemia",
    ]
    assert first.score == sum(r.weight for r in first.reasons)
    assert all(not m.reasons for m in ranking if m.nct_id in unrelated and m.score == 0)


def test_a_candidate_is_scored_against_the_watched_trial_it_is_most_like() -> None:
    profiles = _profiles_of_the_catalogue()
    watched = [profiles["NCT06835140"], profiles["NCT09900003"]]
    by_id = {m.nct_id: m for m in rank(profiles.values(), watched)}  # type: ignore[arg-type]
    assert "NCT06835140" not in by_id and "NCT09900003" not in by_id
    assert by_id[SEED].closest == "NCT06835140"
    bcma = by_id["NCT09900004"]
    assert bcma.closest == "NCT09900003"
    assert [r.text for r in bcma.reasons] == [
        "same modality: CAR-T",
        "same lead sponsor",
        "same phase (phase 1)",
        "open to enrolment (NOT_YET_RECRUITING)",
    ]
    assert bcma.score == 6.0


def test_discover_runs_the_default_queries_against_the_registry(env: Path) -> None:
    settings = settings_with()
    queries = discovery.discovery_queries(settings)
    assert {q.name for q in queries} == {"aml", "bpdcn", "cd123", "cell-therapy"}
    with RegistryClient(killable.config_for(settings.registry_url)) as client:
        found = discovery.discover(settings, client, queries)
    order = [c.match.nct_id for c in found.candidates]
    assert order[:2] == RELATED
    assert set(order[2:]) == set(NEAR_MISSES), "near misses are found, and ranked below"
    assert SEED not in order and found.watched == (SEED,)
    returned = dict(found.queries)
    assert returned["aml"] >= 6 and returned["cd123"] >= 2
    by_query = {c.match.nct_id: c.queries for c in found.candidates}
    assert by_query["NCT09900003"] == ("cell-therapy",) and by_query[RELATED[1]] == ("aml",)
    assert not env.exists() or not tracked.tracked(connect(env, read_only=True)), (
        "looking stores nothing"
    )


def test_discover_add_tracks_the_best_and_the_watchlist_ingest_fetches_them(
    env: Path, prefect_harness: None
) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["discover", "--add", "2"])
    assert result.exit_code == 0, result.output
    assert "same target antigen CD123" in result.output
    assert f"tracked 2 (score ≥ 3): {', '.join(RELATED)}" in " ".join(result.output.split())
    with connect(env, read_only=True) as con:
        rows = {row.nct_id: row for row in tracked.tracked(con)}
    assert rows[SEED].how == "seed" and rows[SEED].why == "listed in watchlist.toml"
    for nct_id in RELATED:
        assert rows[nct_id].how == "similarity"
        assert rows[nct_id].closest == SEED and rows[nct_id].score and rows[nct_id].score >= 3
        assert rows[nct_id].query_name in {"aml", "cd123", "cell-therapy"}
    assert "same target antigen CD123" in rows["NCT06835140"].why

    settings = settings_with()
    with RegistryClient(killable.config_for(settings.registry_url)) as client:
        asked = sources.ids_source(settings, client, None).nct_ids
    assert asked[0] == SEED and sorted(asked[1:]) == sorted(RELATED)
    ingested = runner.invoke(app, ["ingest", "--no-export"])
    assert ingested.exit_code == 0, ingested.output
    with connect(env, read_only=True) as con:
        stored = con.execute("SELECT DISTINCT nct_id FROM study_versions ORDER BY 1").fetchall()
        clock = con.execute("SELECT registry_data_timestamp FROM runs").fetchall()
    assert [row[0] for row in stored] == sorted([SEED, *RELATED]), "`ctgov ingest` fetches them"
    assert clock[-1][0] is not None, "the CLI's /version answer reaches the run"

    again = runner.invoke(app, ["discover", "--json"])
    candidates = json.loads(again.output)["candidates"]
    assert [c["nct_id"] for c in candidates][:1] != RELATED[:1], "tracked ones are watched now"
    assert {c["nct_id"] for c in candidates} == set(NEAR_MISSES)

    listing = runner.invoke(app, ["tracked"])
    assert listing.exit_code == 0 and all(n in listing.output for n in [SEED, *RELATED])


def test_untrack_and_track_by_hand(env: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["track", NEAR_MISSES[0], "--why", "same sponsor"]).exit_code == 0
    refused = runner.invoke(app, ["untrack", SEED])
    assert refused.exit_code == 2 and "remove it there" in refused.output
    unknown = runner.invoke(app, ["untrack", NEAR_MISSES[1]])
    assert unknown.exit_code == 2 and "not tracked: NCT09900002" in unknown.output
    done = runner.invoke(app, ["untrack", NEAR_MISSES[0]])
    assert done.exit_code == 0, done.output
    settings = settings_with()
    with RegistryClient(killable.config_for(settings.registry_url)) as client:
        assert sources.ids_source(settings, client, None).nct_ids == [SEED]
    listing = runner.invoke(app, ["tracked", "--all"])
    assert "manual (untracked)" in listing.output and "same sponsor" in listing.output
    assert load_watchlist(settings.watchlist).nct_ids == [SEED]


def test_a_stronger_reason_replaces_a_weaker_one(db_path: Path) -> None:
    t0, t1 = datetime(2026, 1, 5, tzinfo=UTC), datetime(2026, 2, 5, tzinfo=UTC)
    with connect(db_path) as con:
        con.execute(
            "INSERT INTO runs (run_id, started_at, status) VALUES ('r', now(), 'succeeded')"
        )
        con.execute(
            "INSERT INTO observations VALUES ('r', 'NCT09900001', now(), 'new', 'h', 1),"
            " ('r', 'NCT09900002', now(), 'missing', NULL, NULL)"
        )
        tracked.track_query_results(con, "r", "aml", t0)
        first = {r.nct_id: r for r in tracked.tracked(con)}
        assert list(first) == ["NCT09900001"] and first["NCT09900001"].how == "query"
        tracked.track(con, [tracked.Tracking("NCT09900001", "similarity", "alike", "aml")], t1)
        tracked.track_query_results(con, "r", "aml", t1)
        row = tracked.tracked(con)[0]
        assert (row.how, row.why, row.since) == ("similarity", "alike", t1)
        tracked.track_seeds(con, ["NCT09900001"], t1)
        tracked.track(con, [tracked.Tracking("NCT09900001", "manual", "by hand")], t1)
        assert tracked.tracked(con)[0].how == "seed"


def test_discover_without_saved_queries_is_bad_input(env: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bare.toml"
    bare.write_text(f'[[trials]]\nnct_id = "{SEED}"\n', "utf-8")
    result = CliRunner().invoke(app, ["discover", "--watchlist", str(bare)])
    assert result.exit_code == 2
    assert "no [[queries]] with discover = true" in result.output
    assert len(result.output.strip().splitlines()) == 1
