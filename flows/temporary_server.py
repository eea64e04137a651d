"""``python -m flows.temporary_server MASTER_PID PORT``: Prefect's API for one ad-hoc run.

What Prefect starts by itself when no API is set (its "ephemeral" server: the same app, the
same services, no UI), started instead by :func:`flows.prefect_server.temporary_server` so
that it lives exactly as long as the command that runs the flow:

* in a session of its own, out of the terminal's process group: Ctrl-C stops the command,
  which records its run as crashed on this server and then stops it. Prefect's own server
  took the Ctrl-C too and exited at once, and the command then retried its last report to a
  server that was gone for minutes, printing tracebacks;
* watching the command (:mod:`flows.lifeline`), so a command killed outright leaves no
  server behind, where Prefect's own was left running;
* never imported by the command: importing Prefect's server to start it left the whole
  server's code (FastAPI, SQLAlchemy, 1,000 modules) in the command's process, 81 MB of a
  bulk load's writer.
"""

from __future__ import annotations

import os
import signal
import sys

from flows.lifeline import on_end_of
from flows.prefect_server import HOST

APP_FACTORY = "prefect.server.api.server:create_app"
ENVIRONMENT = {
    "PREFECT_UI_ENABLED": "0",
    "PREFECT__SERVER_EPHEMERAL": "1",
    "PREFECT__SERVER_FINAL": "1",
}
"""What Prefect sets for its own temporary server (``SubprocessASGIServer``): no UI, and the
services an ephemeral server runs (the event persister, the task-run recorder)."""


def main(argv: list[str]) -> None:
    master, port = int(argv[0]), int(argv[1])
    os.environ.update(ENVIRONMENT)
    on_end_of(master, lambda: os.kill(os.getpid(), signal.SIGTERM))
    import uvicorn

    uvicorn.run(APP_FACTORY, factory=True, host=HOST, port=port, log_level="error")


if __name__ == "__main__":
    main(sys.argv[1:])
