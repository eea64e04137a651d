"""Command line: ``python -m imitation serve`` runs the imitation registry until SIGINT/SIGTERM.

Example:
    python -m imitation serve --date 2024-11-15 --url-file /tmp/registry.url \\
        --fault http_503:first=2:path=/api/v2/studies --rate-limit 50
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from datetime import date
from pathlib import Path
from types import FrameType

from imitation.errors import FaultSpecError
from imitation.faults import FaultPlan, parse_fault_spec
from imitation.server import DEFAULT_HOST, ImitationServer, parse_day


def _day(raw: str) -> date:
    try:
        return parse_day(raw)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m imitation", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the imitation registry on loopback")
    serve.add_argument(
        "--host", default=DEFAULT_HOST, help="interface to bind (default %(default)s)"
    )
    serve.add_argument("--port", type=int, default=0, help="port, 0 for a free one (default 0)")
    serve.add_argument(
        "--date", type=_day, help="serve the registry as of YYYY-MM-DD (default: last change)"
    )
    serve.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="SPEC",
        help="KIND[:first=N|:p=P][:path=/prefix][:delay=S][:retry_after=S], repeatable",
    )
    serve.add_argument(
        "--seed", type=int, default=0, help="seed of probabilistic faults (default 0)"
    )
    serve.add_argument(
        "--rate-limit", type=int, metavar="N", help="allow N requests per minute per client"
    )
    serve.add_argument(
        "--url-file", type=Path, metavar="PATH", help="write the registry URL to this file"
    )
    return parser


def serve(args: argparse.Namespace) -> int:
    try:
        rules = [parse_fault_spec(spec) for spec in args.fault]
    except FaultSpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    plan = FaultPlan(rules=rules, seed=args.seed) if rules else None
    server = ImitationServer(
        as_of=args.date,
        faults=plan,
        rate_limit_per_minute=args.rate_limit,
        host=args.host,
        port=args.port,
    )
    try:
        server.start()
    except OSError as exc:
        print(
            f"error: cannot listen on {args.host}:{args.port} ({exc}); choose another --port",
            file=sys.stderr,
        )
        return 1
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        if args.url_file is not None:
            args.url_file.write_text(server.url + "\n", encoding="utf-8")
        print(
            f"imitation registry listening on {server.url} (as of {server.as_of.isoformat()})",
            flush=True,
        )
        stop.wait()
    finally:
        server.stop()
        if args.url_file is not None:
            args.url_file.unlink(missing_ok=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return serve(args)


if __name__ == "__main__":
    sys.exit(main())
