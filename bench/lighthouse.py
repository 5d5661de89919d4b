"""Lighthouse's four scores for the home page and an article, as production serves them.

`make bench-lighthouse`. In a temporary data folder: migrate, collect the static files and seed
the demo magazine (seed_demo); serve it with the repository's gunicorn.conf.py and production
settings (DEBUG off, HTTPS on, the page cache on); then run Lighthouse (the npm package, with
Debian's Chromium) on each page, as a phone (Lighthouse's default) and as a desktop
(--preset=desktop), BENCH_LIGHTHOUSE_RUNS times each (3). It prints the median of each category's
score, the range when the runs differ, and every audit short of full marks, with what it found.

gunicorn ends TLS itself, with a certificate made for the run, where production has a proxy:
Lighthouse fetches robots.txt on its own, without the extra headers it could send to pretend a
proxy said HTTPS, and production settings redirect plain HTTP. Nothing here needs the internet.
The performance score depends on the machine: other work on it lowers the score.
A measurement to read, not a test: nothing here passes or fails.
"""

import http.client
import json
import os
import shutil
import signal
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import servers

ROOT = servers.ROOT
OUT = ROOT / "bench" / "out"
RUNS = int(os.environ.get("BENCH_LIGHTHOUSE_RUNS", "3"))
NODE_TOOLS = Path(os.environ.get("NODE_TOOLS", ROOT / ".venv" / "node" / "node_modules"))
LIGHTHOUSE = NODE_TOOLS / ".bin" / "lighthouse"
CHROMIUM = Path("/usr/bin/chromium")
# Those of tests/tools.py (CHROMIUM_ARGS), and trust in the run's own certificate.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--ignore-certificate-errors",
]
PAGES = [
    ("home", "/"),
    ("article", "/articles/after-9-years-of-military-presence-french-troops-exit-mali/"),
]
FORM_FACTORS = [("mobile", []), ("desktop", ["--preset=desktop"])]
CATEGORIES = [
    ("performance", "performance"),
    ("accessibility", "accessibility"),
    ("best-practices", "best practices"),
    ("seo", "SEO"),
]
# How many of an audit's findings the report shows.
SHOWN_ITEMS = 5
# The units of the figures findings give.
MILLISECONDS = {"duration", "startTime", "timing", "wastedMs", "reflowTime", "total", "scripting"}
BYTES = {"totalBytes", "wastedBytes", "transferSize", "resourceSize"}
# Where a metric falls short, the audit that says why: the element, the phases, the long tasks.
METRIC_CAUSES = {
    "largest-contentful-paint": "largest-contentful-paint-element",
    "total-blocking-time": "long-tasks",
    "cumulative-layout-shift": "layout-shifts",
    "first-contentful-paint": "render-blocking-insight",
    "speed-index": "render-blocking-insight",
}

began = time.monotonic()


def say(text):
    """Progress, on stderr, with the time since the start: the report goes to stdout."""
    elapsed = int(time.monotonic() - began)
    print(f"[{elapsed // 60:2}:{elapsed % 60:02}] {text}", file=sys.stderr, flush=True)


class TLSServer(servers.Server):
    """gunicorn ending TLS itself (GUNICORN_CMD_ARGS), with the run's certificate."""

    def __init__(self, name, env, log_path, certificate, key):
        tls = f"--certfile={certificate} --keyfile={key}"
        super().__init__(name, {**env, "GUNICORN_CMD_ARGS": tls}, log_path)
        self.context = ssl.create_default_context(cafile=str(certificate))

    def url(self, path="/"):
        return f"https://127.0.0.1:{self.port}{path}"

    def get(self, path):
        """The status of one GET over HTTPS."""
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.port, timeout=30, context=self.context
        )
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    def wait_until_answering(self):
        deadline = time.monotonic() + servers.STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped on starting:\n{self.log_tail()}")
            try:
                self.get("/")
            except OSError:
                time.sleep(0.2)
                continue
            return
        raise SystemExit(f"gunicorn did not answer in {servers.STARTUP_SECONDS} s.")


def require_tools():
    """Stop with what to install when Lighthouse, Chromium or openssl is missing."""
    if not LIGHTHOUSE.exists():
        raise SystemExit(
            f"Lighthouse is missing from {NODE_TOOLS}: run `make bench-lighthouse`, or "
            "npm install --prefix .venv/node lighthouse@12"
        )
    if not CHROMIUM.exists():
        raise SystemExit(f"Chromium is missing: {CHROMIUM} (apt-get install -y chromium)")
    if shutil.which("openssl") is None:
        raise SystemExit("openssl is missing (apt-get install -y openssl)")


def run_quietly(command, env=None):
    """Run a command to its end; stop with the end of its output if it fails."""
    finished = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if finished.returncode != 0:
        shown = " ".join(str(part) for part in command[:3])
        raise SystemExit(f"{shown} failed:\n{(finished.stdout + finished.stderr)[-3000:]}")


def prepare(env, data):
    """Migrate, collect the static files, seed the demo; make a certificate for 127.0.0.1."""
    say("Migrating, collecting the static files and seeding the demo magazine…")
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"], ["seed_demo"]):
        run_quietly([sys.executable, str(ROOT / "manage.py"), *command], env)
    certificate, key = data / "certificate.pem", data / "key.pem"
    run_quietly(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
        + ["-keyout", str(key), "-out", str(certificate)]
    )
    return certificate, key


def lighthouse(url, options, output_base):
    """One Lighthouse run; its report, read from the JSON it wrote."""
    command = [
        str(LIGHTHOUSE),
        url,
        *options,
        "--quiet",
        "--only-categories=" + ",".join(category for category, _ in CATEGORIES),
        "--output=json",
        "--output=html",
        f"--output-path={output_base}",
        "--chrome-flags=" + " ".join(CHROMIUM_FLAGS),
    ]
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    with open(f"{output_base}.log", "wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            returncode = process.wait()
        except BaseException:
            # Lighthouse closes its Chromium on SIGINT; a harder stop would leave it running.
            process.send_signal(signal.SIGINT)
            process.wait(30)
            raise
    report_path = Path(f"{output_base}.report.json")
    if returncode != 0 or not report_path.exists():
        text = Path(f"{output_base}.log").read_text(errors="replace")
        raise SystemExit(f"Lighthouse failed on {url}:\n{text[-3000:]}")
    report = json.loads(report_path.read_text())
    if report.get("runtimeError"):
        error = report["runtimeError"]
        raise SystemExit(f"Lighthouse could not measure {url}: {error['code']} {error['message']}")
    return report


def score(report, category):
    """A category's score out of 100, or None when an audit in it could not run."""
    value = report["categories"][category]["score"]
    return None if value is None else round(value * 100)


def short_audits(report):
    """Each audit short of full marks that counts in its category: {(category, id): audit}.

    A category's score is rounded: a metric at 0.99 may still leave it at 100.
    """
    found = {}
    for category, _ in CATEGORIES:
        for reference in report["categories"][category]["auditRefs"]:
            audit = report["audits"][reference["id"]]
            errored = audit["scoreDisplayMode"] == "error"
            short = audit["score"] is not None and audit["score"] < 1
            if reference["weight"] > 0 and (errored or short):
                found[(category, audit["id"])] = audit
    return found


def diagnostics(report):
    """The audits that fall short but count in no score: Lighthouse's advice, shown briefly."""
    counted = {
        reference["id"]
        for category, _ in CATEGORIES
        for reference in report["categories"][category]["auditRefs"]
        if reference["weight"] > 0
    }
    return [
        audit
        for audit in report["audits"].values()
        if audit["id"] not in counted
        and audit["scoreDisplayMode"] in ("binary", "numeric", "metricSavings")
        and audit["score"] is not None
        and audit["score"] < 1
    ]


def findings(audit):
    """An audit's findings, its tables of a list (the element, then the phases) run together."""
    details = audit.get("details") or {}
    if details.get("type") == "list":
        return [item for table in details.get("items", []) for item in table.get("items", [])]
    return details.get("items") or []


def item_line(item):
    """One finding of an audit: the element, the address or the figures it gives."""
    node = item.get("node") if isinstance(item.get("node"), dict) else None
    if node:
        line = f"{node.get('selector', '')}  {node.get('snippet', '')}"
        explanation = node.get("explanation", "").replace("\n", " ")
        return line + (f"  ({explanation})" if explanation else "")
    parts = []
    for name, value in item.items():
        if isinstance(value, dict) and value.get("type") in ("url", "source-location"):
            value = value.get("url", "")
        if name in MILLISECONDS and isinstance(value, (int, float)):
            value = f"{value:.0f} ms"
        elif name in BYTES and isinstance(value, (int, float)):
            value = f"{value / 1024:.1f} KiB"
        if isinstance(value, (str, int)) and name not in ("type", "lhId"):
            parts.append(f"{name} {value}")
    return ", ".join(parts) or json.dumps(item)[:200]


def audit_lines(audit, report):
    """An audit short of full marks: its title, its figure or error, and its first findings."""
    lines = [f"    {audit['id']}: {audit['title']}"]
    if audit["scoreDisplayMode"] == "error":
        lines.append(f"      could not run: {audit.get('errorMessage', '')}")
    else:
        figure = f", {audit['displayValue']}" if audit.get("displayValue") else ""
        lines.append(f"      score {audit['score']:.2f}{figure}")
    items = findings(audit)
    cause = report["audits"].get(METRIC_CAUSES.get(audit["id"], ""))
    if not items and cause:
        lines.append(f"      {cause['title']}:")
        items = findings(cause)
    lines += [f"      - {item_line(item)}" for item in items[:SHOWN_ITEMS]]
    if len(items) > SHOWN_ITEMS:
        lines.append(f"      - and {len(items) - SHOWN_ITEMS} more")
    return lines


def median_run(reports):
    """The run whose performance score is the median, as the one to keep and show."""
    ordered = sorted(reports, key=lambda report: report["categories"]["performance"]["score"] or 0)
    return ordered[(len(ordered) - 1) // 2]


def cell(scores):
    """A category's median over the runs, and its range when they differ."""
    known = [value for value in scores if value is not None]
    if not known:
        return "error"
    text = str(statistics.median_low(known))
    if min(known) != max(known):
        text += f" ({min(known)}-{max(known)})"
    if len(known) < len(scores):
        text += f" ({len(scores) - len(known)} error)"
    return text


def render(results, version, benchmark):
    """The report, line by line: the table, then what fell short, then the advice."""
    lines = [
        f"make bench-lighthouse, {datetime.now():%Y-%m-%d %H:%M}: Lighthouse {version}, the demo "
        f"magazine under production settings, {RUNS} run(s) of each; median (range).",
        f"Lighthouse's CPU benchmark index on this machine: {benchmark} (higher is faster).",
        "",
        f"  {'page':<20}" + "".join(f"{label:>18}" for _, label in CATEGORIES),
    ]
    for (page, form_factor), reports in results.items():
        row = f"  {page + ', ' + form_factor:<20}"
        for category, _ in CATEGORIES:
            row += f"{cell([score(report, category) for report in reports]):>18}"
        lines.append(row)
    labels = dict(CATEGORIES)
    for (page, form_factor), reports in results.items():
        seen = {}
        for report in reports:
            for key, audit in short_audits(report).items():
                seen.setdefault(key, []).append((audit, report))
        if seen:
            lines += ["", f"Short of full marks and counted in a score, {page}, {form_factor}:"]
        for (category, _), found in seen.items():
            lines.append(f"  {labels[category]}, in {len(found)} of {len(reports)} run(s):")
            # The worst of the runs.
            audit, report = min(found, key=lambda pair: pair[0]["score"] or 0)
            lines += audit_lines(audit, report)
    for (page, form_factor), reports in results.items():
        advice = diagnostics(median_run(reports))
        if advice:
            lines += ["", f"Advice counted in no score, {page}, {form_factor} (the median run):"]
            for audit in advice:
                figure = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
                lines.append(f"  {audit['id']}: {audit['title']}{figure}")
    return lines


def measure(server, work):
    """Every page as a phone and as a desktop, RUNS times each: {(page, form factor): reports}."""
    results = {}
    for page, path in PAGES:
        status = server.get(path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}, so it is not measured.")
        for form_factor, options in FORM_FACTORS:
            reports = []
            for run in range(1, RUNS + 1):
                say(f"Lighthouse on {page}, {form_factor}, run {run} of {RUNS}…")
                base = work / f"{page}-{form_factor}-{run}"
                report = lighthouse(server.url(path), options, base)
                report["output_base"] = str(base)
                reports.append(report)
            results[(page, form_factor)] = reports
    return results


def keep_reports(results, folder):
    """Copy the median run's JSON and HTML reports of each page into the report's folder."""
    folder.mkdir(parents=True)
    for (page, form_factor), reports in results.items():
        base = median_run(reports)["output_base"]
        for suffix in ("json", "html"):
            target = folder / f"{page}-{form_factor}.report.{suffix}"
            shutil.copy(f"{base}.report.{suffix}", target)


def run():
    """Seed, serve and measure, in one temporary data folder that is deleted at the end."""
    require_tools()
    data = Path(tempfile.mkdtemp(prefix="magazine-lighthouse-"))
    server = None
    try:
        env = servers.production_env(data, page_cache=True)
        # gunicorn ends TLS itself: no proxy says anything.
        env.pop("SECURE_PROXY_SSL_HEADER")
        certificate, key = prepare(env, data)
        server = TLSServer("magazine", env, data / "gunicorn.log", certificate, key)
        server.start()
        work = data / "lighthouse"
        work.mkdir()
        results = measure(server, work)
        stamp = f"{datetime.now():%Y%m%d-%H%M%S}"
        keep_reports(results, OUT / f"lighthouse-{stamp}")
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(data, ignore_errors=True)
    first = next(iter(results.values()))[0]
    benchmarks = [
        report["environment"]["benchmarkIndex"]
        for reports in results.values()
        for report in reports
    ]
    lines = render(results, first["lighthouseVersion"], round(statistics.median(benchmarks)))
    return lines, stamp


def stop_on_terminate(signum, frame):
    # As for Ctrl-C: the server is stopped and the data folder deleted on the way out.
    raise KeyboardInterrupt


def main():
    signal.signal(signal.SIGTERM, stop_on_terminate)
    try:
        lines, stamp = run()
    except KeyboardInterrupt:
        raise SystemExit("Interrupted: the server is stopped, the data folder deleted.") from None
    path = OUT / f"lighthouse-{stamp}.txt"
    path.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"\nWritten to {path.relative_to(ROOT)}, with each page's median report (JSON and HTML).")


if __name__ == "__main__":
    main()
