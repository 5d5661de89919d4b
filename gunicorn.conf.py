"""gunicorn's settings for the magazine, read from the environment.

`gunicorn magazine.wsgi` picks this file up from the project folder. The defaults suit a small
server (two cores): one process per core and one more, one request at a time each. Building a
page is CPU work, so threads only queue behind Python's lock: measured with `make bench`, they
cost an uncached page 15% of its requests per second and doubled its 99th percentile. The
reverse proxy in front buffers slow readers and uploads, so a worker never waits on one.
"""

import multiprocessing
import os

wsgi_app = "magazine.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:" + os.environ.get("PORT", "8000"))

workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
# Readers' connections stay open between pages; behind a proxy this is the proxy's.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# A request longer than this is stuck; the worker is replaced rather than left hanging.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Set GUNICORN_MAX_REQUESTS to renew a worker after that many requests, should its memory grow.
# Off by default: a renewed worker drops the connections it holds open, and readers see errors.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
# Load the application once in the master: workers start fast and share its memory.
preload_app = True

accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The reverse proxy in front says whether the reader came over HTTPS (see SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_fork(server, worker):
    # Connections opened while the master loaded the application must not be shared.
    from django.db import connections

    connections.close_all()


def when_ready(server):
    # Before any worker starts. A worker of an earlier run that died (a crash, a power cut, a
    # kill) may have committed a change whose derived work it never did, or written files whose
    # rows never committed; a picture may lack renditions that failed.
    def catch_up():
        from django.core.files.storage import default_storage
        from django.core.management import call_command

        from articles import derived, storage

        derived.catch_up()
        # No worker of this server runs yet; with a bucket, other servers' may, so files younger
        # than an hour are left to them.
        minutes = 60 if storage.shared(default_storage) else 0
        call_command("media_orphans", delete=True, older_than=minutes, verbosity=0)
        call_command("renditions", verbosity=0)

    _in_the_master(server, catch_up)


def child_exit(server, worker):
    # A worker killed after a commit (SIGKILL, out of memory, a timeout) leaves the derived work
    # of that change recorded: it is done here, at once, rather than at the next start.
    def catch_up():
        from articles import derived

        derived.catch_up(pid=worker.pid)

    _in_the_master(server, catch_up)


def _in_the_master(server, work):
    # Runs in the master, inside its signal handling: an exception here would stop gunicorn.
    try:
        import django
        from django.apps import apps
        from django.db import connections

        if not apps.ready:
            # Without preload_app the master has not loaded Django yet.
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "magazine.settings")
            django.setup()
        try:
            work()
        finally:
            # Workers forked later must not share the master's database connections.
            connections.close_all()
    except Exception:
        server.log.exception("Could not catch up with work a dead worker left.")
