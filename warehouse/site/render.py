"""The site's pages, from Jinja2 templates (autoescaped), and the files they need.

Layout of a build::

    index.html            the trials, filterable and sortable
    changes.html          recent events of all trials, grouped by type
    trials/NCT….html      one page per trial
    assets/plotly.min.js  plotly.js, from the plotly package (no CDN)
    assets/site.css, assets/site.js
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import plotly
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from plotly.offline import get_plotlyjs

from models.event_types import EVENT_TYPES
from warehouse.history import StoredEvent
from warehouse.site import charts
from warehouse.site.data import REGISTRY_STUDY_URL, TrialPage, TrialRow
from warehouse.textdiff import ELLIPSIS

VALUE_LIMIT = 300
"""Longest value shown whole on a page; longer ones are cut (word diffs show long texts)."""
ASSETS = ("site.css", "site.js")


def write_site(
    out: Path,
    rows: Sequence[TrialRow],
    pages: Sequence[TrialPage],
    events: Sequence[StoredEvent],
    *,
    until: date,
    days: int,
) -> int:
    """Write every page and asset into ``out`` (created); returns the number of pages."""
    env = _environment()
    since = until - timedelta(days=days - 1)
    common = {"until": until, "since": since, "days": days, "plotly_version": plotly.__version__}
    (out / "trials").mkdir(parents=True)
    _write_assets(out / "assets")
    _write(out / "index.html", env, "index.html", root="", rows=rows, **common)
    recent = [e for e in events if since <= e.day <= until]
    _write(out / "changes.html", env, "changes.html", root="", groups=_by_type(recent), **common)
    for page in pages:
        _write(
            out / "trials" / f"{page.row.nct_id}.html",
            env,
            "trial.html",
            root="../",
            page=page,
            figures=_figures(page, until),
            **common,
        )
    return 2 + len(pages)


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("warehouse.site", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["day"] = _day
    env.filters["value"] = _value
    env.filters["status"] = charts.status_label
    env.globals["registry_url"] = lambda nct_id: REGISTRY_STUDY_URL.format(nct_id=nct_id)
    return env


def _write(path: Path, env: Environment, template: str, **context: Any) -> None:
    path.write_text(env.get_template(template).render(**context), "utf-8")


def _write_assets(assets: Path) -> None:
    assets.mkdir()
    (assets / "plotly.min.js").write_text(get_plotlyjs(), "utf-8")
    source = resources.files("warehouse.site").joinpath("assets")
    for name in ASSETS:
        (assets / name).write_text(source.joinpath(name).read_text("utf-8"), "utf-8")


def _figures(page: TrialPage, until: date) -> dict[str, Any]:
    """Each chart's figure as plain JSON data (the template embeds it with ``tojson``)."""
    figures = {
        "status": charts.status_timeline(page.periods, until),
        "dates": charts.key_dates(page.versions),
        "enrollment": charts.enrollment(page.versions),
        "sites": charts.sites(page.versions),
    }
    return {name: json.loads(figure.to_json()) for name, figure in figures.items()}


def _by_type(events: Sequence[StoredEvent]) -> list[tuple[str, list[StoredEvent]]]:
    """Events grouped by type in the vocabulary's order, newest first within a type."""
    groups: dict[str, list[StoredEvent]] = defaultdict(list)
    for event in events:
        groups[event.event_type].append(event)
    order: dict[str, int] = {name: i for i, name in enumerate(EVENT_TYPES)}
    return [
        (kind, sorted(group, key=lambda e: (e.day, e.event_id), reverse=True))
        for kind, group in sorted(groups.items(), key=lambda item: order.get(item[0], len(order)))
    ]


def _day(value: date | datetime | None) -> str:
    """ISO date; a timestamp as its UTC day."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        moment = value if value.tzinfo is None else value.astimezone(UTC)
        return moment.date().isoformat()
    return value.isoformat()


def _value(value: object) -> str:
    """A changed value for people: text as it is, anything else as compact JSON, cut if long."""
    if value is None:
        return "—"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= VALUE_LIMIT else text[:VALUE_LIMIT] + ELLIPSIS


__all__ = ["write_site"]
