"""``python -m imitation serve``: the announced URL, the URL file, and a clean stop on signals."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).parent.parent
ANNOUNCEMENT = re.compile(
    r"^imitation registry listening on (http://127\.0\.0\.1:\d+) \(as of 2024-11-15\)$"
)
START_TIMEOUT_SECONDS = 20


def _serve(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "imitation", "serve", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_serve_announces_writes_the_url_file_and_stops_on_signal(
    tmp_path: Path, stop_signal: signal.Signals
) -> None:
    url_file = tmp_path / "registry.url"
    process = _serve(
        "--date", "2024-11-15", "--url-file", str(url_file), "--fault", "http_503:first=1"
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        match = ANNOUNCEMENT.match(line)
        assert match, line
        assert url_file.read_text().strip() == match.group(1)
        with httpx.Client(base_url=match.group(1), trust_env=False, timeout=5) as http:
            assert http.get("/api/v2/version").status_code == 503
            assert http.get("/api/v2/version").json()["dataTimestamp"] == "2024-11-15T09:00:05"
        process.send_signal(stop_signal)
        assert process.wait(timeout=START_TIMEOUT_SECONDS) == 0
        assert not url_file.exists()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fault", "meteor"], "fault spec 'meteor': unknown kind"),
        (["--date", "15/11/2024"], "is not YYYY-MM-DD"),
    ],
)
def test_bad_options_fail_with_one_line(args: list[str], message: str) -> None:
    process = _serve(*args)
    _, err = process.communicate(timeout=START_TIMEOUT_SECONDS)
    assert process.returncode == 2
    assert message in err
