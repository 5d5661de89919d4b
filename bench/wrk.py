"""wrk, the HTTP load generator, run for `make bench` and its report read back into numbers."""

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

PATHS_SCRIPT = Path(__file__).resolve().parent / "paths.lua"
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
DURATION = r"([\d.]+)(us|ms|s|m|h)"


@dataclass(frozen=True)
class Load:
    """What one wrk run measured."""

    connections: int
    requests: int
    rps: float
    p50: float
    p99: float
    non_2xx: int
    socket_errors: int
    # Requests wrk gave up on after its timeout (2 s): among the socket errors, not in latencies.
    timeouts: int

    @property
    def errors(self):
        return self.non_2xx + self.socket_errors


def require_wrk():
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk (Debian's package).")


def run(url, connections, seconds, paths=None, cycle=False):
    """Load `url` for `seconds`; with `paths` (a file of paths), each request takes one of them."""
    # wrk wants at least one connection per thread.
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s"]
    command += ["--latency", "-H", "X-Forwarded-Proto: https"]
    if paths:
        command += ["-s", str(PATHS_SCRIPT), url, "--", str(paths)] + (["cycle"] if cycle else [])
    else:
        command.append(url)
    finished = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    if finished.returncode != 0:
        raise SystemExit(f"wrk failed on {url}:\n{finished.stderr or finished.stdout}")
    return parse(finished.stdout, connections)


def milliseconds(number, unit):
    return float(number) * UNITS[unit]


def parse(report, connections):
    """The numbers of wrk's --latency report."""

    def find(pattern, default=None):
        match = re.search(pattern, report)
        if match is None and default is None:
            raise SystemExit(f"wrk's report lacks {pattern!r}:\n{report}")
        return match.groups() if match else default

    socket_errors = find(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", ("0",) * 4
    )
    return Load(
        connections=connections,
        requests=int(find(r"(\d+) requests in")[0]),
        rps=float(find(r"Requests/sec:\s+([\d.]+)")[0]),
        p50=milliseconds(*find(rf"\s50%\s+{DURATION}")),
        p99=milliseconds(*find(rf"\s99%\s+{DURATION}")),
        non_2xx=int(find(r"Non-2xx or 3xx responses: (\d+)", ("0",))[0]),
        socket_errors=sum(int(n) for n in socket_errors),
        timeouts=int(socket_errors[3]),
    )
