"""gunicorn for `make bench`: started with the repository's gunicorn.conf.py, asked, and stopped.

Every request here says what the benchmark's TLS-terminating proxy would: the reader came over
HTTPS (X-Forwarded-Proto), so production's redirect to HTTPS does not answer instead of the page.
"""

import contextlib
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
STARTUP_SECONDS = 60
# How long a stop signal is given before the next, harder one.
STOP_SECONDS = 15
# Pages asked for at once when checking them: enough to keep every worker busy.
CHECKERS = 8
# One random key for the whole run, shared by the seeder, the servers and the checks.
SECRET_KEY = secrets.token_urlsafe(50)


def free_port():
    """A port nothing listens on now; the server binds it a moment later."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One gunicorn master and its workers, its stderr kept in a log file."""

    def __init__(self, name, env, log_path, app=None):
        self.name = name
        self.port = free_port()
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        self.log_path = log_path
        self.app = app
        self.process = None

    def start(self):
        """Start the master and return once it answers; stop it again if it never does."""
        command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")]
        if self.app:
            command.append(self.app)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        try:
            self.wait_until_answering()
        except BaseException:
            self.stop()
            raise
        return self

    def wait_until_answering(self):
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn ({self.name}) stopped on starting:\n{self.log_tail()}")
            try:
                status, _ = get(self.port, "/")
            except OSError:
                time.sleep(0.2)
                continue
            if status >= 500:
                raise SystemExit(
                    f"gunicorn ({self.name}) answers / with HTTP {status}:\n{self.log_tail()}"
                )
            return
        raise SystemExit(f"gunicorn ({self.name}) did not answer in {STARTUP_SECONDS} s.")

    def log_tail(self, lines=30):
        text = Path(self.log_path).read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def url(self, path="/"):
        return f"http://127.0.0.1:{self.port}{path}"

    def workers(self):
        """The process ids of the master's children: its workers."""
        master = self.process.pid
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The command name, in parentheses, may hold spaces: the fields follow its end.
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                found.append(int(entry.name))
        return sorted(found)

    def peak_memory(self):
        """Each worker's peak resident memory (VmHWM) in MB, by process id."""
        peaks = {}
        for pid in self.workers():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    peaks[pid] = int(line.split()[1]) / 1024
        return peaks

    def stop(self):
        """Stop gracefully; quickly if that hangs; by force, workers included, as a last resort."""
        if self.process is None or self.process.poll() is not None:
            return
        # A connection of ours left open would keep its worker waiting for the whole grace time.
        _connections.close()
        workers = self.workers()
        for stop_signal in (signal.SIGTERM, signal.SIGQUIT):
            self.process.send_signal(stop_signal)
            try:
                self.process.wait(STOP_SECONDS)
                return
            except subprocess.TimeoutExpired:
                continue
        for pid in [*workers, self.process.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait()


def production_env(data_dir, page_cache, other_caches=True):
    """The environment of a production server on this machine, with a throwaway data folder.

    `other_caches` false also turns off every cache but the page cache (MAGAZINE_FRAGMENT_CACHE).
    """
    # Nothing from this shell may choose another database, cache or folder, or turn DEBUG on.
    dropped = {
        "DEBUG", "DATABASE_URL", "REDIS_URL", "MAGAZINE_DEMO", "MEDIA_ROOT", "HTTPS",
        "MAGAZINE_FRAGMENT_CACHE",
    }  # fmt: skip
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    if not other_caches:
        env["MAGAZINE_FRAGMENT_CACHE"] = "0"
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "magazine.settings",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MAGAZINE_DATA_DIR": str(data_dir),
        "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto: https",
        "MAGAZINE_PAGE_CACHE": "1" if page_cache else "0",
    }


class Connections(threading.local):
    """One keep-alive connection per thread, opened again when the server closed it."""

    def close(self):
        connection = getattr(self, "connection", None)
        if connection is not None:
            connection.close()
            self.connection = None

    def request(self, port, path):
        try:
            return self.send(port, path)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            # The server closed a kept-alive connection (its keepalive ran out): ask once more.
            return self.send(port, path)

    def send(self, port, path):
        connection = getattr(self, "connection", None)
        if connection is None or connection.port != port:
            connection = self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            # No Accept-Encoding, as wrk sends none: the page is the one wrk gets.
            connection.putrequest("GET", path, skip_accept_encoding=True)
            for name, value in PROXY_HEADERS.items():
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, response.read()
        except BaseException:
            connection.close()
            self.connection = None
            raise


_connections = Connections()


def get(port, path):
    """(status, body) of one GET, as the benchmark's proxy would send it."""
    return _connections.request(port, path)


def check_all(port, paths):
    """Ask for every path once, a few at a time; return {path: (status, bytes)}."""
    with ThreadPoolExecutor(CHECKERS) as pool:
        answers = pool.map(lambda path: get(port, path), paths)
        return {
            path: (status, len(body)) for path, (status, body) in zip(paths, answers, strict=True)
        }
