"""The trial page's charts as Plotly figures (JSON the page's own copy of plotly.js draws).

Plotly, because its JavaScript is one self-contained file that ships inside the Python
package (``plotly.offline.get_plotlyjs``): the site needs no CDN and no network, and the
figures are built and validated in Python. Every chart says what it says without colour:
status bars carry their status as text and sit on their own row, series differ by line dash
and are named in the legend, estimated and actual values differ by marker shape (open and
filled).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import plotly.graph_objects as go

from warehouse.site.data import KeyDate, StatusPeriod, VersionFacts

DAY_MS = 86_400_000
STATUS_COLOURS = {
    "NOT_YET_RECRUITING": "#E69F00",
    "RECRUITING": "#009E73",
    "ENROLLING_BY_INVITATION": "#56B4E9",
    "ACTIVE_NOT_RECRUITING": "#0072B2",
    "SUSPENDED": "#D55E00",
    "TERMINATED": "#CC79A7",
    "COMPLETED": "#000000",
    "WITHDRAWN": "#999999",
    "UNKNOWN": "#BBBBBB",
}
"""The Okabe-Ito palette (readable with the common colour-vision deficiencies)."""
OTHER_COLOUR = "#777777"
SYMBOLS = {"ACTUAL": "circle", "ESTIMATED": "circle-open"}
DASHES = ("solid", "dash", "dot")
REGISTRY_AXIS = "version posted by the registry"


def status_label(status: str | None) -> str:
    return (status or "not given").replace("_", " ").lower()


def status_timeline(periods: Sequence[StatusPeriod], until: date) -> go.Figure:
    """One bar per status period, from the day it took effect to the next (the current one to
    ``until``, the report's date), each on its status's row."""
    ends = [p.end or max(until, p.start) for p in periods]
    figure = go.Figure(
        go.Bar(
            orientation="h",
            base=[p.start.isoformat() for p in periods],
            x=[max((end - p.start).days, 1) * DAY_MS for p, end in zip(periods, ends, strict=True)],
            y=[status_label(p.status) for p in periods],
            text=[status_label(p.status) for p in periods],
            textposition="inside",
            insidetextanchor="middle",
            marker={
                "color": [STATUS_COLOURS.get(p.status, OTHER_COLOUR) for p in periods],
                "line": {"color": "#ffffff", "width": 1},
            },
            customdata=[
                [
                    p.start.isoformat(),
                    "now" if p.end is None else p.end.isoformat(),
                    (end - p.start).days,
                    p.first_version,
                    p.last_version,
                ]
                for p, end in zip(periods, ends, strict=True)
            ],
            hovertemplate="%{y}<br>%{customdata[0]} → %{customdata[1]} (%{customdata[2]} days)"
            "<br>versions %{customdata[3]}–%{customdata[4]}<extra></extra>",
            name="status",
        )
    )
    figure.update_xaxes(type="date", title_text="registry date")
    figure.update_yaxes(autorange="reversed", title_text=None)
    return _styled(figure, height=120 + 36 * len({p.status for p in periods}))


def key_dates(versions: Sequence[VersionFacts]) -> go.Figure:
    """Start, primary completion and completion as each version gave them: a line that rises
    is a date that slipped; filled markers are actual dates, open ones estimated."""
    series: list[tuple[str, list[KeyDate]]] = [
        ("start", [v.start for v in versions]),
        ("primary completion", [v.primary_completion for v in versions]),
        ("completion", [v.completion for v in versions]),
    ]
    figure = go.Figure()
    for (name, dates), dash in zip(series, DASHES, strict=True):
        figure.add_trace(
            go.Scatter(
                name=name,
                x=[_iso(v.registry_date) for v in versions],
                y=[_iso(d.day) for d in dates],
                mode="lines+markers",
                line={"dash": dash, "shape": "hv"},
                marker={"symbol": [SYMBOLS.get(d.kind or "", "x") for d in dates], "size": 9},
                customdata=[
                    [f"v{v.version}", d.label] for v, d in zip(versions, dates, strict=True)
                ],
                hovertemplate=f"{name}: %{{customdata[1]}}<br>%{{customdata[0]}}, posted %{{x}}"
                "<extra></extra>",
            )
        )
    figure.update_xaxes(type="date", title_text=REGISTRY_AXIS)
    figure.update_yaxes(type="date", title_text="date given")
    return _styled(figure)


def enrollment(versions: Sequence[VersionFacts]) -> go.Figure:
    """Enrollment as each version gave it: one line, and its points as estimated (open
    markers) or actual (filled), each kind a named series of the legend."""
    x = [_iso(v.registry_date) for v in versions]
    figure = go.Figure(
        go.Scatter(
            name="enrollment", x=x, y=[v.enrollment for v in versions], mode="lines",
            line={"shape": "hv", "color": "#0072B2"}, hoverinfo="skip", showlegend=False,
        )
    )  # fmt: skip
    for kind in ("ESTIMATED", "ACTUAL"):
        points = [v for v in versions if v.enrollment_type == kind]
        if not points:
            continue
        figure.add_trace(
            go.Scatter(
                name=kind.lower(),
                x=[_iso(v.registry_date) for v in points],
                y=[v.enrollment for v in points],
                mode="markers",
                marker={"symbol": SYMBOLS[kind], "size": 10, "color": "#0072B2"},
                customdata=[f"v{v.version}" for v in points],
                hovertemplate=f"%{{y}} participants ({kind.lower()})<br>%{{customdata}}, "
                "posted %{x}<extra></extra>",
            )
        )
    figure.update_xaxes(type="date", title_text=REGISTRY_AXIS)
    figure.update_yaxes(title_text="participants", rangemode="tozero")
    return _styled(figure)


def sites(versions: Sequence[VersionFacts]) -> go.Figure:
    """Sites listed by each version, all of them and those recruiting."""
    figure = go.Figure()
    for (name, counts), dash in zip(
        (
            ("all sites", [v.sites for v in versions]),
            ("recruiting", [v.recruiting_sites for v in versions]),
        ),
        DASHES,
        strict=False,
    ):
        figure.add_trace(
            go.Scatter(
                name=name,
                x=[_iso(v.registry_date) for v in versions],
                y=counts,
                mode="lines+markers",
                line={"shape": "hv", "dash": dash},
                customdata=[f"v{v.version}" for v in versions],
                hovertemplate=f"%{{y}} {name}<br>%{{customdata}}, posted %{{x}}<extra></extra>",
            )
        )
    figure.update_xaxes(type="date", title_text=REGISTRY_AXIS)
    figure.update_yaxes(title_text="sites", rangemode="tozero", dtick=1 if _few(versions) else None)
    return _styled(figure)


def _few(versions: Sequence[VersionFacts]) -> bool:
    return max((v.sites for v in versions), default=0) <= 10


def _styled(figure: go.Figure, height: int = 340) -> go.Figure:
    figure.update_layout(
        template="plotly_white",
        height=height,
        margin={"l": 60, "r": 20, "t": 20, "b": 50},
        font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13},
        legend={"orientation": "h", "y": -0.25},
        hovermode="closest",
        showlegend=len(figure.data) > 1,
    )
    return figure


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
