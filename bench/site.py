"""The whole site under load, as production runs it: `make bench`.

In one run, on a throwaway SQLite database in a temporary data folder:
1. seed 100 pieces and count each page's queries, then 10,000 pieces and count again
   (bench/seeding.py, bench/queries.py);
2. serve a bare WSGI application (bench/hello.py) with the repository's gunicorn.conf.py, the
   ceiling of what the server and the machine can do, and load it with wrk at 1, 8 and 32
   connections;
3. serve the magazine with the same file and production settings, page cache off, and load the
   stylesheet (the ceiling of a file whitenoise serves) and each page; then the misses again
   with every cache off (MAGAZINE_FRAGMENT_CACHE=0 too); then each page with the cache on;
4. with the page cache on, three runs of readers through wrk: alone; while a contributor saves
   a draft every second (bench/contributor.py); and while an editor also edits and publishes in
   the admin (bench/editors.py). After each, a look in the database for every save made.
wrk plays the TLS-terminating proxy: every request says X-Forwarded-Proto: https. The report is
printed and written to bench/out/. A measurement to read: targets are marked met or missed, and
nothing here fails because of them. Other work on the machine lowers every figure, so the
report says how much CPU other processes took while it ran.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import browser
import contributor
import editors
import plan
import report
import servers
import wrk

ROOT = plan.ROOT
OUT = ROOT / "bench" / "out"
# gunicorn logs this when max_requests renews a worker; its kept-alive connections close then.
RENEWED = "Autorestarting worker"
# Who may work on the site while the readers read, by the name the scenarios give them.
PEOPLE = {"contributor": contributor, "editor": editors}

# Every server started, so that each is stopped whatever happens.
started = []
began = time.monotonic()


def say(text):
    """Progress, on stderr, with the time since the start: the report goes to stdout."""
    elapsed = int(time.monotonic() - began)
    print(f"[{elapsed // 60:2}:{elapsed % 60:02}] {text}", file=sys.stderr, flush=True)


def script_output(env, script, *args):
    """Run a Python script of the project in the site's environment; what it printed."""
    finished = subprocess.run(
        [sys.executable, str(script), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if finished.returncode != 0:
        raise SystemExit(f"{Path(script).name} {' '.join(args)} failed:\n{finished.stderr[-3000:]}")
    return finished.stdout


def child(env, script, *args):
    """Run a script that answers with a line of JSON, and return it read."""
    return json.loads(script_output(env, script, *args).strip().splitlines()[-1])


def prepare(env):
    """Migrate, collect the static files, seed in two steps and count queries after each."""
    bench = ROOT / "bench"
    say("Migrating and collecting the static files…")
    script_output(env, ROOT / "manage.py", "migrate", "--noinput")
    script_output(env, ROOT / "manage.py", "collectstatic", "--noinput")
    say(f"Seeding {plan.FIRST_PIECES} pieces and counting each page's queries…")
    first = child(env, bench / "seeding.py", str(plan.FIRST_PIECES))
    # Every query a page costs when it is made: the fragments would hide them.
    cold = {**env, "MAGAZINE_FRAGMENT_CACHE": "0"}
    queries_first = child(cold, bench / "queries.py")
    say(f"Seeding up to {plan.PIECES:,} pieces and counting again…")
    rest = child(env, bench / "seeding.py", str(plan.PIECES))
    queries_all = child(cold, bench / "queries.py")
    write_readers_walk(Path(env["MAGAZINE_DATA_DIR"]) / "bench")
    for person in PEOPLE.values():
        script_output(env, person.__file__, "accounts")
    return {"seeding": [first, rest], "queries": [queries_first, queries_all]}


def check(server, paths):
    """Ask for every path once (which fills the page cache); stop unless every one answers 200."""
    answers = servers.check_all(server.port, paths)
    wrong = [(path, status) for path, (status, _) in answers.items() if status != 200]
    if wrong:
        shown = ", ".join(f"{path} answered {status}" for path, status in wrong[:5])
        more = f" and {len(wrong) - 5} more" if len(wrong) > 5 else ""
        raise SystemExit(
            f"Not every page answers 200 from {server.name}, so none is measured: {shown}{more}."
            f"\nThe end of its log:\n{server.log_tail()}"
        )
    return answers


def load(server, target, lists, connections=plan.CONNECTIONS):
    """wrk at each number of connections on one page, after a short warm-up; {conns: Load}."""
    path, paths = (target, None) if target.startswith("/") else ("/", lists / target)
    url = server.url(path)
    wrk.run(url, plan.WARM_CONNECTIONS, plan.WARM_SECONDS, paths)
    return {count: wrk.run(url, count, plan.SECONDS, paths) for count in connections}


def page_paths(lists, pages=plan.PAGES):
    """Every path wrk may ask for on these pages."""
    paths = []
    for _, target in pages:
        paths += [target] if target.startswith("/") else (lists / target).read_text().split()
    return paths


def stop_and_record(server, results):
    """Each worker's peak memory just before the server stops, and how often one was renewed."""
    results["memory"][server.name] = server.peak_memory()
    # The most seen: a worker being renewed just then is briefly missing.
    results["workers"] = max(results.get("workers", 0), len(results["memory"][server.name]))
    server.stop()
    renewed = Path(server.log_path).read_text(errors="replace").count(RENEWED)
    results["renewed"][server.name] = renewed


def measure_hello(env, logs, results):
    """Serve bench/hello.py with the same gunicorn.conf.py and load it: the first ceiling."""
    server = servers.Server(plan.HELLO, env, logs / "hello.log", app="bench.hello:application")
    started.append(server.start())
    check(server, ["/"])
    say("Loading the bare WSGI application…")
    results["hello"] = load(server, "/", None)
    stop_and_record(server, results)


def measure_site(data, cache, logs, results):
    """Serve the magazine with the page cache off or on, check every page, load each one."""
    lists = data / "bench"
    state = "on" if cache else "off"
    label = f"cache {state}"
    env = servers.production_env(data, cache)
    server = servers.Server(f"magazine, {label}", env, logs / f"{label}.log")
    started.append(server.start())
    paths = page_paths(lists)
    say(f"Checking the {len(paths):,} pages wrk will ask for, page cache {state}…")
    answers = check(server, paths)
    articles = (lists / "articles.paths").read_text().split()
    results["article_html"] = max(answers[path][1] for path in articles)
    if not cache:
        results["static_path"] = static_path(data)
        check(server, [results["static_path"]])
        say("Loading the stylesheet through whitenoise…")
        results["static"] = load(server, results["static_path"], lists)
    for name, target in plan.PAGES:
        say(f"Loading {name}, page cache {state}…")
        results["pages"][(name, label)] = load(server, target, lists)
    if cache:
        results["scenarios"] = reader_scenarios(server, lists)
    stop_and_record(server, results)


def measure_misses(data, logs, results):
    """Serve the magazine with every cache off and load the pages of plan.MISS_PAGES again."""
    lists = data / "bench"
    env = servers.production_env(data, page_cache=False, other_caches=False)
    server = servers.Server("magazine, every cache cold", env, logs / "every cache cold.log")
    started.append(server.start())
    pages = [(name, target) for name, target in plan.PAGES if name in plan.MISS_PAGES]
    check(server, page_paths(lists, pages))
    most = plan.CONNECTIONS[-1]
    for name, target in pages:
        say(f"Loading {name}, every cache cold…")
        results["cold"][name] = load(server, target, lists, [most])[most]
    stop_and_record(server, results)


def static_path(data):
    """The stylesheet's address under its hashed name, from the staticfiles manifest."""
    manifest = json.loads((data / "static" / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["css/site.css"]


def write_readers_walk(lists):
    """The pieces the scenarios' readers walk through in turn: the first of those wrk loads."""
    articles = (lists / "articles.paths").read_text().split()[: plan.READER_PIECES]
    (lists / "readers.paths").write_text("\n".join(articles) + "\n")


def reader_scenarios(server, lists):
    """Each scenario of plan.SCENARIOS in turn, on one server: {name: what it measured}."""
    walk = lists / "readers.paths"
    wrk.run(server.url(), plan.WARM_CONNECTIONS, plan.WARM_SECONDS, walk, cycle=True)
    measured = {}
    for name, people in plan.SCENARIOS.items():
        say(f"{name.capitalize()}, {plan.MIXED_SECONDS} s…")
        measured[name] = scenario(server, lists, people)
    return measured


def scenario(server, lists, people):
    """Readers through wrk while these people work; then what the database kept of their saves."""
    accounts = {person: json.loads((lists / f"{person}.json").read_text()) for person in people}
    log_start = Path(server.log_path).stat().st_size
    stop = threading.Event()
    with ThreadPoolExecutor(max(1, len(people))) as pool:
        working = {
            person: pool.submit(
                PEOPLE[person].work, server.port, accounts[person], plan.MIXED_SECONDS, stop
            )
            for person in people
        }
        try:
            readers = wrk.run(
                server.url(),
                plan.READER_CONNECTIONS,
                plan.MIXED_SECONDS,
                lists / "readers.paths",
                cycle=True,
            )
        finally:
            stop.set()
        records = {person: asdict(future.result()) for person, future in working.items()}
    found = {}
    for person, record in records.items():
        done = lists / f"{person}-done.json"
        done.write_text(json.dumps(record))
        found[person] = child(server.env, PEOPLE[person].__file__, "verify", str(done))
    with open(server.log_path, "rb") as log:
        log.seek(log_start)
        text = log.read().decode(errors="replace")
    locked_lines = sum(browser.LOCKED in line for line in text.splitlines())
    return {"readers": readers, "records": records, "found": found, "locked_lines": locked_lines}


def busy_cpu_seconds():
    """CPU time spent so far by every process on the machine, from /proc/stat."""
    fields = Path("/proc/stat").read_text().split("\n")[0].split()[1:]
    # user, nice, system, idle, iowait, irq, softirq, steal; the guest fields after them are
    # counted in user already.
    times = [int(field) for field in fields[:8]]
    return (sum(times) - times[3] - times[4]) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds():
    """CPU time of this process and of the children it has waited for: servers, wrk, scripts."""
    spent = os.times()
    return spent.user + spent.system + spent.children_user + spent.children_system


def run():
    """Every measurement, in one temporary data folder that is deleted at the end."""
    wrk.require_wrk()
    results = {"pages": {}, "cold": {}, "memory": {}, "renewed": {}}
    busy, own = busy_cpu_seconds(), own_cpu_seconds()
    data = Path(tempfile.mkdtemp(prefix="magazine-bench-"))
    try:
        env = servers.production_env(data, page_cache=False)
        results.update(prepare(env))
        logs = data / "logs"
        logs.mkdir()
        measure_hello(env, logs, results)
        measure_site(data, False, logs, results)
        measure_misses(data, logs, results)
        measure_site(data, True, logs, results)
    finally:
        for server in started:
            server.stop()
        shutil.rmtree(data, ignore_errors=True)
    seconds = time.monotonic() - began
    others = (busy_cpu_seconds() - busy) - (own_cpu_seconds() - own)
    results["others_cores"] = max(0.0, others / seconds)
    results["minutes"] = seconds / 60
    return results


def stop_on_terminate(signum, frame):
    # As for Ctrl-C: the servers are stopped and the data folder deleted on the way out.
    raise KeyboardInterrupt


def main():
    signal.signal(signal.SIGTERM, stop_on_terminate)
    try:
        results = run()
    except KeyboardInterrupt:
        raise SystemExit("Interrupted: the servers are stopped, the data folder deleted.") from None
    lines = report.render(results)
    OUT.mkdir(exist_ok=True)
    path = OUT / f"site-{datetime.now():%Y%m%d-%H%M%S}.txt"
    path.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"\nWritten to {path.relative_to(ROOT)}.")


if __name__ == "__main__":
    main()
