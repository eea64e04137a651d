"""Prefect flows and the ``ctgov`` CLI: orchestration only.

Importing this package sets offline-friendly Prefect defaults (no telemetry, a generous
ephemeral-server start-up timeout) unless the user set them already: they must be in the
environment before Prefect reads its settings.
"""

from __future__ import annotations

import os

PREFECT_DEFAULTS: dict[str, str] = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}

for _name, _value in PREFECT_DEFAULTS.items():
    os.environ.setdefault(_name, _value)


def quiet_prefect_console(verbose: bool = False) -> None:
    """Keep Prefect's log lines off the terminal of a command that prints its own summary.

    Only the console handler is raised: the logs still reach Prefect's API and UI.
    """
    os.environ.setdefault(
        "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "INFO" if verbose else "CRITICAL"
    )
