"""``ctgov report``: the static site, built from a warehouse that lived through the imitation's
timeline (as ``make demo`` does), checked as files and in headless Chromium.

The browser tests need Debian's ``chromium`` (``make test`` installs it when it can); without
it they fail saying what to install, never skip.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from flows import pipeline
from flows.cli import app
from flows.demo import demo_days
from flows.settings import Settings
from imitation import Catalog, ImitationServer
from registry import RegistryClient
from registry.sources import IdsSource
from warehouse.database import connect
from warehouse.site import build_site

SEEDS = ["NCT06690827", "NCT06835140", "NCT04010877"]
TRIAL = "NCT06690827"
REGISTRY_PAGE = re.compile(r"^https://clinicaltrials\.gov/study/NCT\d{8}(\?tab=history)?$")


@dataclass(frozen=True)
class Built:
    db: Path
    site: Path
    until: date


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The demo's life of the watchlist: first run well into NCT06690827's life (history
    backfilled), then a run on each later day a watched trial changed."""
    work = tmp_path_factory.mktemp("site")
    db = work / "ctgov.duckdb"
    catalog = Catalog.load_default()
    days = demo_days(catalog, SEEDS)
    with ImitationServer(as_of=days[0], catalog=catalog) as server:
        settings = Settings(
            db=db, registry_url=server.url, requests_per_minute=10_000, backoff_initial_s=0.01,
            export=False,
        )  # fmt: skip
        for day in days:
            server.set_date(day)
            with RegistryClient(pipeline.registry_config(settings)) as client:
                pipeline.run_source(settings, IdsSource(client, SEEDS), client=client)
    site = work / "site"
    build_site(db, site, until=days[-1])
    return Built(db, site, days[-1])


class Links(HTMLParser):
    """Every href and src of a page, and its headings."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.headings: list[str] = []
        self.title = ""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("href", "src") and value]
        if tag in ("title", "h1", "h2", "h3"):
            self._in = tag

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in:
            self.headings.append(f"{self._in}:{data.strip()}")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None


def parsed(page: Path) -> Links:
    links = Links()
    links.feed(page.read_text("utf-8"))
    return links


def figure(page: Path, name: str) -> dict[str, Any]:
    text = page.read_text("utf-8")
    match = re.search(
        rf'<script type="application/json" id="fig-{name}">(.*?)</script>', text, re.S
    )
    assert match, f"no figure {name} in {page}"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def test_the_site_has_an_index_a_page_per_trial_and_the_recent_changes(built: Built) -> None:
    pages = sorted(p.relative_to(built.site).as_posix() for p in built.site.rglob("*.html"))
    assert pages == ["changes.html", "index.html", *(f"trials/{n}.html" for n in sorted(SEEDS))]
    assert (built.site / "assets" / "plotly.min.js").stat().st_size > 1_000_000
    index = (built.site / "index.html").read_text("utf-8")
    for nct in SEEDS:
        assert f'href="trials/{nct}.html"' in index


def test_every_link_stays_in_the_site_but_those_to_the_registrys_own_pages(built: Built) -> None:
    for page in built.site.rglob("*.html"):
        for url in parsed(page).urls:
            if url.startswith("#"):
                continue
            if "://" in url:
                assert REGISTRY_PAGE.match(url), f"{page.name} links outside the site: {url}"
                continue
            target = (page.parent / url.split("#")[0]).resolve()
            assert target.is_file(), f"{page.name} links to a missing {url}"
            assert built.site.resolve() in target.parents


def test_pages_have_a_title_and_one_h1_then_h2_sections(built: Built) -> None:
    links = parsed(built.site / "trials" / f"{TRIAL}.html")
    assert links.title.startswith(f"{TRIAL}: ")
    levels = [h.split(":")[0] for h in links.headings]
    assert levels.count("h1") == 1 and levels[0] == "h1"
    assert [h for h in links.headings if h.startswith("h2:")] == [
        "h2:Status over time",
        "h2:Key dates, planned and actual",
        "h2:Enrollment",
        "h2:Sites",
        "h2:Versions and what each changed",
    ]


def test_the_charts_hold_what_the_warehouse_holds(built: Built) -> None:
    page = built.site / "trials" / f"{TRIAL}.html"
    with connect(built.db, read_only=True) as con:
        periods = con.execute(
            "SELECT status_from_date FROM status_history WHERE nct_id = ? ORDER BY period", [TRIAL]
        ).fetchall()
        enrollment = con.execute(
            "SELECT v.registry_date, s.enrollment FROM study_versions v JOIN studies s "
            "USING (nct_id, version) WHERE nct_id = ? ORDER BY v.position",
            [TRIAL],
        ).fetchall()
    (bars,) = figure(page, "status")["data"]
    assert bars["base"] == [day.isoformat() for (day,) in periods]
    assert len(periods) >= 2
    line = figure(page, "enrollment")["data"][0]
    assert list(zip(line["x"], line["y"], strict=True)) == [
        (day.isoformat(), count) for day, count in enrollment
    ]
    names = [trace["name"] for trace in figure(page, "dates")["data"]]
    assert names == ["start", "primary completion", "completion"]


def test_each_version_lists_its_changes_with_word_diffs(built: Built) -> None:
    text = (built.site / "trials" / f"{TRIAL}.html").read_text("utf-8")
    with connect(built.db, read_only=True) as con:
        (versions,) = con.execute(
            "SELECT count(*) FROM study_versions WHERE nct_id = ?", [TRIAL]
        ).fetchone() or (0,)
    assert text.count('<article class="version"') == versions
    assert "<del>" in text and "<ins>" in text
    assert 'class="hunk"' in text  # a long text changed in the timeline (eligibility, outcome)


def test_report_command_exit_codes(built: Built, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    ok = runner.invoke(
        app, ["report", TRIAL, "--db", str(built.db), "--out", str(out), "--as-of", "2025-06-01"]
    )
    assert ok.exit_code == 0, ok.output
    assert f"site written to {out / 'index.html'} (1 trial page(s))" in ok.output
    assert sorted(p.name for p in (out / "trials").iterdir()) == [f"{TRIAL}.html"]
    unknown = runner.invoke(
        app, ["report", "NCT00000001", "--db", str(built.db), "--out", str(out)]
    )
    assert unknown.exit_code == 1 and "not in" in unknown.output
    assert (out / "trials" / f"{TRIAL}.html").is_file()  # a failed build leaves the last one
    bad = runner.invoke(app, ["report", "--db", str(built.db), "--as-of", "2025-13-01"])
    assert bad.exit_code == 2 and "--as-of" in bad.output


# ---- in a real browser -------------------------------------------------------------------


def chromium() -> str:
    """Debian's Chromium, or CTGOV_CHROMIUM; a clear failure, not a skip, when it is missing."""
    import os

    for candidate in (os.environ.get("CTGOV_CHROMIUM"), "chromium", "chromium-browser"):
        found = candidate and shutil.which(candidate)
        if found:
            return found
    pytest.fail(
        "the site's browser tests need headless Chromium: apt-get install -y chromium "
        "(Debian's package; `make test` installs it when run as root), or set CTGOV_CHROMIUM"
    )


@dataclass
class Visit:
    errors: list[str]
    outside: list[str]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=chromium(), headless=True)
        yield instance
        instance.close()


def open_page(browser: Any, path: Path, site: Path, width: int = 1280) -> tuple[Any, Visit]:
    page = browser.new_page(viewport={"width": width, "height": 900})
    visit = Visit([], [])
    page.on("console", lambda m: visit.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: visit.errors.append(str(e)))
    root = site.resolve().as_uri()

    def requested(request: Any) -> None:
        if not request.url.startswith(root):
            visit.outside.append(request.url)

    page.on("request", requested)
    page.goto(path.resolve().as_uri())
    page.wait_for_load_state("load")
    return page, visit


def test_the_trial_page_draws_its_charts_in_chromium(
    built: Built, browser: Any, tmp_path: Path
) -> None:
    path = built.site / "trials" / f"{TRIAL}.html"
    page, visit = open_page(browser, path, built.site)
    periods = len(figure(path, "status")["data"][0]["base"])
    bars = page.locator("#chart-status .trace.bars .point path")
    assert bars.count() == periods
    versions = len(figure(path, "enrollment")["data"][0]["x"])
    assert page.locator("#chart-enrollment .scatterlayer .trace").count() >= 2
    points = page.locator("#chart-enrollment .scatterlayer .point").count()
    assert points == versions  # each version's count, as an estimated or an actual marker
    for chart in ("dates", "sites"):
        assert page.locator(f"#chart-{chart} svg.main-svg").count() >= 1
        assert page.locator(f"#chart-{chart} .scatterlayer .point").count() > 0
    shot = tmp_path / f"{TRIAL}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    assert visit.errors == [] and visit.outside == []
    page.close()


def test_the_trial_page_fits_a_phone_screen(built: Built, browser: Any) -> None:
    page, visit = open_page(browser, built.site / "trials" / f"{TRIAL}.html", built.site, 390)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    assert page.locator("#chart-status .trace.bars .point path").count() >= 2
    assert visit.errors == []
    page.close()


def test_the_index_filters_and_sorts(built: Built, browser: Any) -> None:
    page, visit = open_page(browser, built.site / "index.html", built.site)
    rows = page.locator("#trials tbody tr")
    assert rows.count() == len(SEEDS)
    page.fill("#filter", "CAR-T")
    visible = page.locator("#trials tbody tr:not([hidden])")
    assert visible.count() == 1 and "NCT04010877" in visible.inner_text()
    assert page.inner_text("#trials-count") == f"1 of {len(SEEDS)} shown"
    page.fill("#filter", "")
    page.click("#trials thead th:first-child button")  # ascending already: now descending
    first = page.locator("#trials tbody tr").first.locator("td").first.inner_text()
    assert first == max(SEEDS)
    assert visit.errors == [] and visit.outside == []
    page.close()


def test_the_changes_page_groups_recent_events_by_type(built: Built, browser: Any) -> None:
    page, visit = open_page(browser, built.site / "changes.html", built.site)
    headings = page.locator("main h2").all_inner_texts()
    assert headings, "no event in the demo's last 30 days"
    assert all(re.match(r"^[a-z ]+ \(\d+\)$", h) for h in headings)
    assert visit.errors == [] and visit.outside == []
    page.close()


def test_the_ingest_flow_rebuilds_the_site_and_links_it(
    prefect_harness: None, tmp_path: Path
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        ArtifactFilterKey,
    )

    from flows.ingest import ingest

    db = tmp_path / "w.duckdb"
    with ImitationServer(as_of=date(2025, 6, 1)) as server:
        state = ingest(
            nct_ids=[TRIAL], db=str(db), registry_url=server.url, export_parquet=False,
            site=True, return_state=True,
        )  # fmt: skip
    assert state.is_completed(), state.message
    index = tmp_path / "site" / "index.html"
    assert (tmp_path / "site" / "trials" / f"{TRIAL}.html").is_file()
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=["ctgov-site"]),
                flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id]),
            )
        )
    (artifact,) = artifacts
    assert f"({index.resolve().as_uri()})" in str(artifact.data)


def test_without_ids_the_site_shows_the_tracked_trials_else_refuses_a_huge_one(
    built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime

    import warehouse.site as site
    from warehouse.tracked import track_seeds

    db = tmp_path / "w.duckdb"
    shutil.copy(built.db, db)
    monkeypatch.setattr(site, "MAX_UNNAMED_TRIALS", 2)
    with pytest.raises(site.SiteError, match="holds 3 studies and none is tracked"):
        build_site(db, tmp_path / "all", until=built.until)
    with connect(db) as con:
        track_seeds(con, [TRIAL], datetime(2025, 1, 1, tzinfo=UTC))
    summary = build_site(db, tmp_path / "tracked", until=built.until)
    assert summary.trials == (TRIAL,)
    assert "seed" in (summary.index).read_text("utf-8")
