"""The report `make bench` prints and keeps in bench/out/: the figures, and the targets met."""

import os
from datetime import datetime

import editors
import plan


def met(ok):
    return "met" if ok else "MISSED"


def zero(count):
    return "zero" if count == 0 else f"NONZERO: {count}"


def share(load, ceiling):
    return f"{load.rps / ceiling.rps:>10.1%}" if ceiling.rps else f"{'-':>10}"


def load_row(label, load, hello=None, static=None):
    row = (
        f"  {label:<28}{load.connections:>6}{load.rps:>9,.0f}{load.p50:>9.1f}{load.p99:>9.1f}"
        f"{load.errors:>7}{load.timeouts:>9}"
    )
    if hello is not None:
        row += share(load, hello) + share(load, static)
    return row


def header(results):
    return [
        f"make bench, {datetime.now():%Y-%m-%d %H:%M}: the magazine with {plan.PIECES:,} "
        f"pieces on SQLite, production settings, {os.cpu_count()} cores.",
        f"The run took {results['minutes']:.1f} min; other processes on the machine kept "
        f"{results['others_cores']:.2f} cores busy meanwhile, on average",
        "(they lower every figure).",
    ]


def seeding(results):
    first, rest = results["seeding"]
    seconds = first["seconds"] + rest["seconds"]
    return [
        "",
        f"Seeding: {rest['pieces']:,} pieces ({rest['public']:,} public, the others drafts or "
        f"scheduled) in {seconds:.1f} s, {met(seconds < plan.SEEDING_LIMIT_SECONDS)} (under "
        f"{plan.SEEDING_LIMIT_SECONDS} s);",
        f"{first['pictures_seconds']:.1f} s of it made the pictures and their renditions. "
        f"The search index was rebuilt in {rest['index_seconds']:.1f} s.",
    ]


def queries(results):
    first, every = results["queries"]
    rows = [
        "",
        f"  {'queries per page':<22}{f'{plan.FIRST_PIECES} pieces':>12}"
        f"{f'{plan.PIECES:,} pieces':>15}{'limit':>7}",
    ]
    for name in first:
        (status_first, few), (status_all, many) = first[name], every[name]
        limit = plan.QUERY_LIMITS.get(name)
        verdict = met(few <= limit and many <= limit) if limit else ""
        statuses = "" if status_first == status_all == 200 else f" HTTP {status_first}/{status_all}"
        row = f"  {name:<22}{few:>12}{many:>15}{limit or '-':>7}  {verdict}{statuses}"
        rows.append(row.rstrip())
    return rows


def loads(results):
    hello, static = results["hello"], results["static"]
    heading = f"{'conns':>6}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>7}{'timeouts':>9}"
    rows = [
        "",
        f"wrk, {plan.SECONDS} s a figure; gunicorn with gunicorn.conf.py, "
        f"{results['workers']} workers.",
        "Errors are non-2xx answers and socket errors: a worker renewed by max_requests closes the",
        "connections it holds, and wrk gives up on a request after 2 s (a timeout, left out of the",
        "latencies).",
        f"  {'ceiling':<28}{heading}",
    ]
    rows += [load_row(plan.HELLO, hello[connections]) for connections in plan.CONNECTIONS]
    rows += [
        load_row("static file, whitenoise", static[connections]) for connections in plan.CONNECTIONS
    ]
    rows += [
        f"  (the static file is {results['static_path']})",
        "",
        f"  {'page, page cache':<28}{heading}{'of WSGI':>10}{'of static':>10}",
    ]
    for (name, label), measured in results["pages"].items():
        rows += [
            load_row(f"{name}, {label}", measured[n], hello[n], static[n]) for n in plan.CONNECTIONS
        ]
    return rows


def target_checks(results):
    """(what, the figure, whether it is met) for each target."""
    most = plan.CONNECTIONS[-1]
    hello = results["hello"][most]
    off = results["pages"][("article", "cache off")][most]
    cached = results["pages"][("article", "cache on")][most]
    first, every = results["queries"]
    over = [
        name
        for name, limit in plan.QUERY_LIMITS.items()
        if max(first[name][1], every[name][1]) > limit
    ]
    changed = [name for name in first if first[name][1] != every[name][1]]
    html, stylesheet = results["article_html"], plan.STYLESHEET.stat().st_size
    return [
        (
            f"article, cache off, {most} conns: p99 under {plan.ARTICLE_P99_MS} ms",
            f"{off.p99:,.1f} ms",
            off.p99 < plan.ARTICLE_P99_MS,
        ),
        (
            f"article, cache off, {most} conns: 1/15 of bare WSGI req/s or more",
            f"{off.rps:,.0f} req/s, needs {hello.rps * plan.ARTICLE_SHARE:,.0f}",
            off.rps >= hello.rps * plan.ARTICLE_SHARE,
        ),
        (
            f"article from the cache, {most} conns: 40 % of bare WSGI req/s or more",
            f"{cached.rps:,.0f} req/s, needs {hello.rps * plan.CACHED_ARTICLE_SHARE:,.0f}",
            cached.rps >= hello.rps * plan.CACHED_ARTICLE_SHARE,
        ),
        (
            "queries: article 4 at most; home, section, tag, contributor 5",
            f"over: {', '.join(over)}" if over else "all within",
            not over,
        ),
        (
            f"queries: the same at {plan.FIRST_PIECES} and {plan.PIECES:,} pieces",
            f"differ: {', '.join(changed)}" if changed else "all the same",
            not changed,
        ),
        (
            "article page HTML under 40 kB (the largest)",
            f"{html:,} bytes",
            html < plan.ARTICLE_HTML_LIMIT,
        ),
        (
            "stylesheet static/css/site.css under 20 kB",
            f"{stylesheet:,} bytes",
            stylesheet < plan.STYLESHEET_LIMIT,
        ),
    ]


def targets(results):
    rows = ["", "Targets (1 kB = 1,000 bytes)"]
    for label, figure, ok in target_checks(results):
        rows.append(f"  {label:<68}{figure:>22}  {met(ok)}")
    return rows


def memory(results):
    rows = [
        "",
        "Peak memory per worker (VmHWM, MB), read just before each server stopped; a worker",
        "renewed by max_requests starts again from the size of the master it was forked from.",
    ]
    for name, peaks in results["memory"].items():
        each = ", ".join(f"{mb:.0f}" for mb in peaks.values())
        top = max(peaks.values(), default=0)
        renewed = results["renewed"][name]
        rows.append(f"  {name:<28} max {top:6.1f}  each {each:<14} workers renewed: {renewed}")
    return rows


def mixed_run(results):
    mixed = results["mixed"]
    readers, records, found = mixed["readers"], mixed["records"], mixed["found"]
    saves_tried = sum(record["saves_attempted"] for record in records)
    saves = sum(len(record["saves"]) for record in records)
    publishes_tried = sum(record["publishes_attempted"] for record in records)
    publishes = sum(len(record["publishes"]) for record in records)
    locked = sum(record["locked_responses"] for record in records)
    failures = [failure for record in records for failure in record["failures"]]
    saves_kept = "all present" if found["saves_found"] == saves else "SOME MISSING"
    published = "all published" if found["publishes_found"] == publishes else "SOME NOT PUBLISHED"
    rows = [
        "",
        f"Mixed run on SQLite, {plan.MIXED_SECONDS} s, page cache on: readers (wrk, "
        f"{plan.MIXED_CONNECTIONS} connections, home, a piece",
        f"and a tag in turn) while {len(records)} editors save and publish through the admin.",
        f"  reader requests       {readers.requests:,} ({readers.rps:,.0f}/s, p50 "
        f"{readers.p50:.1f} ms, p99 {readers.p99:.1f} ms)",
        f"  reader errors         {zero(readers.errors)} (non-2xx {readers.non_2xx}, socket "
        f"{readers.socket_errors}, of which timeouts {readers.timeouts})",
        f"  editor saves          {saves} of {saves_tried} attempted succeeded; "
        f"{found['saves_found']} found in the database: {saves_kept}",
        f"  editor publishes      {publishes} of {publishes_tried} attempted succeeded; "
        f"{found['publishes_found']} published in the database: {published}",
        f'  "{editors.LOCKED}"    {zero(locked)} in responses, {zero(mixed["locked_lines"])} '
        "in gunicorn's log",
        f"  editor failures       {zero(len(failures))}",
    ]
    return rows + [f"    {failure}" for failure in failures[:10]]


def render(results):
    """The report, line by line."""
    return [
        *header(results),
        *seeding(results),
        *queries(results),
        *loads(results),
        *targets(results),
        *memory(results),
        *mixed_run(results),
    ]
