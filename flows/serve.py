"""``ctgov serve``: every deployment of ``prefect.yaml``, scheduled and run from one process.

``prefect.yaml`` is the one place schedules, parameters and concurrency are declared; this
reads it and serves the same deployments with ``prefect.serve`` against a local server
(:mod:`flows.prefect_server`), so nothing else (work pool, worker) needs setting up. Runs wait
for one another on the same database (``CTGOV_RUN_LOCK_WAIT_S``, as in ``prefect.yaml``).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from flows import prefect_server
from flows.settings import Settings
from models.errors import InputError

PREFECT_YAML = Path(__file__).resolve().parent.parent / "prefect.yaml"


@dataclass(frozen=True)
class DeploymentSpec:
    """One deployment as ``prefect.yaml`` declares it."""

    name: str
    entrypoint: str
    description: str = ""
    tags: tuple[str, ...] = ()
    parameters: dict[str, Any] = field(default_factory=dict)
    crons: tuple[tuple[str, str], ...] = ()
    """(cron, time zone) of each active schedule."""
    concurrency: dict[str, Any] | None = None
    env: dict[str, str] = field(default_factory=dict)

    @property
    def schedule(self) -> str:
        return "; ".join(f"{cron} ({zone})" for cron, zone in self.crons) or "on demand"


def load_specs(path: Path = PREFECT_YAML) -> list[DeploymentSpec]:
    """The deployments of ``path``."""
    document = yaml.safe_load(path.read_text("utf-8"))
    specs = []
    for item in document.get("deployments", []):
        limit = item.get("concurrency_limit")
        specs.append(
            DeploymentSpec(
                name=item["name"],
                entrypoint=item["entrypoint"],
                description=" ".join(str(item.get("description") or "").split()),
                tags=tuple(item.get("tags") or ()),
                parameters=dict(item.get("parameters") or {}),
                crons=tuple(
                    (s["cron"], s.get("timezone", "UTC"))
                    for s in item.get("schedules") or ()
                    if s.get("active", True) and "cron" in s
                ),
                concurrency=dict(limit) if isinstance(limit, dict) else None,
                env={
                    k: str(v)
                    for k, v in ((item.get("work_pool") or {}).get("job_variables") or {})
                    .get("env", {})
                    .items()
                },
            )
        )
    return specs


def chosen(specs: Sequence[DeploymentSpec], only: Sequence[str]) -> list[DeploymentSpec]:
    """The specs named in ``only`` (all when empty); an unknown name is bad input."""
    if not only:
        return list(specs)
    names = {spec.name for spec in specs}
    unknown = [name for name in only if name not in names]
    if unknown:
        raise InputError(
            f"no deployment named {', '.join(unknown)} in prefect.yaml "
            f"(there are: {', '.join(sorted(names))})"
        )
    return [spec for spec in specs if spec.name in only]


def _flow(entrypoint: str) -> Any:
    """``flows/deployments.py:watchlist_ingest`` → that flow object."""
    file, _, name = entrypoint.partition(":")
    module = importlib.import_module(file.removesuffix(".py").replace("/", "."))
    return getattr(module, name)


def runner_deployments(specs: Sequence[DeploymentSpec], *, every_s: float | None) -> list[Any]:
    """Prefect deployments of ``specs``; ``every_s`` replaces every schedule by an interval
    (to try the deployments out)."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig
    from prefect.schedules import Cron, Interval

    deployments = []
    for spec in specs:
        schedules = (
            [Interval(every_s)]
            if every_s is not None
            else [Cron(cron, timezone=zone) for cron, zone in spec.crons]
        )
        limit = (
            ConcurrencyLimitConfig(
                limit=spec.concurrency["limit"],
                collision_strategy=spec.concurrency.get("collision_strategy", "ENQUEUE"),
            )
            if spec.concurrency
            else None
        )
        deployments.append(
            _flow(spec.entrypoint).to_deployment(
                name=spec.name,
                description=spec.description,
                tags=list(spec.tags),
                parameters=spec.parameters,
                schedules=schedules,
                concurrency_limit=limit,
                paused=False,
            )
        )
    return deployments


def serve(
    settings: Settings,
    specs: Sequence[DeploymentSpec],
    *,
    port: int,
    every_s: float | None,
    say: Callable[[str], None],
) -> None:
    """Serve ``specs`` until interrupted, against a local server (started or reused)."""
    for spec in specs:
        for name, value in spec.env.items():
            os.environ.setdefault(name, value)
    with prefect_server.local_server(port, settings.db.parent) as server:
        os.environ["PREFECT_API_URL"] = server.api_url
        how = "started" if server.started else "reusing the one already running"
        say(f"Prefect server: {server.ui_url} ({how}); Ctrl-C stops serving")
        for spec in specs:
            when = f"every {every_s:g} s" if every_s is not None else spec.schedule
            say(f"  {spec.name:<20} {when}")
        import prefect

        with prefect_server.announced(settings.db, server):
            prefect.serve(*runner_deployments(specs, every_s=every_s), print_starting_message=False)
