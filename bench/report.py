"""The report `make bench` prints and keeps in bench/out/: the figures, and the targets met."""

import os
import statistics
from datetime import datetime

import browser
import contributor
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
        "  Queries per page made with every cache cold (MAGAZINE_FRAGMENT_CACHE=0), the",
        "  navigation's sections included; with the fragments warm a page costs none.",
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
        *miss_checks(results),
        *scenario_checks(results["scenarios"]),
        (
            "queries, every cache cold: article 4 and the navigation; listings 5 and it",
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


def miss_checks(results):
    most = plan.CONNECTIONS[-1]
    hello = results["hello"][most]
    for name in plan.MISS_PAGES:
        share = plan.MISS_SHARES[name]
        warm = results["pages"][(name, "cache off")][most]
        yield (
            f"{name} miss, other caches warm, {most} conns: 1/{1 / share:.0f} of bare WSGI or more",
            f"{warm.rps:,.0f} req/s, needs {hello.rps * share:,.0f}",
            warm.rps >= hello.rps * share,
        )


def scenario_checks(measured):
    alone = measured[plan.ALONE]["readers"]
    drafts = measured[plan.DRAFTS]["readers"]
    editor = measured[plan.EDITOR]["readers"]
    found, attempted, complete = saves_found(measured)
    return [
        (
            f"readers while drafts are saved: {plan.DRAFTS_SHARE * 100:.0f} % of readers alone "
            "or more",
            f"{drafts.rps / alone.rps:.1%}" if alone.rps else "-",
            drafts.rps >= alone.rps * plan.DRAFTS_SHARE,
        ),
        (
            f"readers while drafts are saved: p99 under {plan.DRAFTS_P99_MS} ms",
            f"{drafts.p99:,.1f} ms",
            drafts.p99 < plan.DRAFTS_P99_MS,
        ),
        (
            f"readers, drafts saved, an editor at work: {plan.EDITOR_SHARE * 100:.0f} % of alone "
            "or more",
            f"{editor.rps / alone.rps:.1%}" if alone.rps else "-",
            editor.rps >= alone.rps * plan.EDITOR_SHARE,
        ),
        (
            "readers, drafts saved, an editor at work: no errors",
            f"{editor.errors:,} errors",
            editor.errors == 0,
        ),
        (
            "every save and publish made meanwhile found in the database",
            f"{found} of {attempted}",
            complete,
        ),
    ]


def targets(results):
    rows = ["", "Targets (1 kB = 1,000 bytes)"]
    for label, figure, ok in target_checks(results):
        rows.append(f"  {label:<68}{figure:>24}  {met(ok)}")
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


def ratio(load, ceiling):
    """The page's req/s as a fraction of the ceiling's: "1/23.4"."""
    return f"1/{ceiling.rps / load.rps:.1f}" if load.rps else "-"


def misses(results):
    most = plan.CONNECTIONS[-1]
    hello = results["hello"][most]
    heading = f"{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>7}{'of WSGI':>10}{'target':>9}"
    rows = [
        "",
        f"Misses: pages built with the page cache off, {most} connections, beside bare WSGI's "
        f"{hello.rps:,.0f} req/s.",
        '"Every cache cold" also sets MAGAZINE_FRAGMENT_CACHE=0; "other caches warm" is the run '
        "above.",
        f"  {'page, caches':<30}{heading}",
    ]
    for name in plan.MISS_PAGES:
        cold, warm = results["cold"][name], results["pages"][(name, "cache off")][most]
        for label, load in (("every cache cold", cold), ("other caches warm", warm)):
            row = (
                f"  {f'{name}, {label}':<30}{load.rps:>9,.0f}{load.p50:>9.1f}{load.p99:>9.1f}"
                f"{load.errors:>7}{ratio(load, hello):>10}"
            )
            if load is warm:
                share = plan.MISS_SHARES[name]
                row += f"{f'1/{1 / share:.0f}':>9}  {met(load.rps >= hello.rps * share)}"
            rows.append(row)
    return rows


def contributor_lines(record, found):
    saves = len(record["saves"])
    last = "the last" if found["last_in_body"] else "NOT the last"
    kept = found["saves_found"] == saves and found["last_in_body"]
    rows = [
        f"contributor: {saves} of {record['saves_attempted']} draft saves accepted; "
        f"{found['saves_found']} in the history, {last} in the body: "
        f"{'all present' if kept else 'SOME MISSING'}"
    ]
    if not found["still_draft"]:
        rows.append("contributor: the draft is NO LONGER an unpublished draft")
    return rows


def editor_lines(record, found):
    saves, publishes = len(record["saves"]), len(record["publishes"])
    saves_kept = found["saves_found"] == saves
    published = found["publishes_found"] == publishes
    return [
        f"editor: {saves} of {record['saves_attempted']} saves accepted (edits and new pieces); "
        f"{found['saves_found']} found in the database: "
        f"{'all present' if saves_kept else 'SOME MISSING'}",
        f"editor: {publishes} of {record['publishes_attempted']} new pieces published; "
        f"{found['publishes_found']} public in the database: "
        f"{'all published' if published else 'SOME NOT PUBLISHED'}",
    ]


PEOPLE_LINES = {"contributor": contributor_lines, "editor": editor_lines}


def desk(measured):
    """What the people at work did in one scenario, and what the database kept of it."""
    records, found = measured["records"], measured["found"]
    rows = []
    for person, record in records.items():
        rows += PEOPLE_LINES[person](record, found[person])
    for person, record in records.items():
        times = record["request_ms"]
        if times:
            rows.append(
                f"{person}'s requests: {len(times)}, median {statistics.median(times):,.0f} ms, "
                f"slowest {max(times):,.0f} ms"
            )
    locked = sum(record["locked_responses"] for record in records.values())
    failures = [failure for record in records.values() for failure in record["failures"]]
    rows += [
        f'"{browser.LOCKED}": {zero(locked)} in responses, {zero(measured["locked_lines"])} '
        "in gunicorn's log",
        f"failures: {zero(len(failures))}",
        *(f"  {failure}" for failure in failures[:10]),
    ]
    return [f"    {row}" for row in rows]


def scenarios(results):
    measured = results["scenarios"]
    alone = measured[plan.ALONE]["readers"]
    heading = f"{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}{'socket':>8}{'of alone':>10}"
    rows = [
        "",
        f"Readers while others work, page cache on, {plan.MIXED_SECONDS} s each: wrk, "
        f"{plan.READER_CONNECTIONS} connections on 2 threads,",
        f"in turn through {plan.READER_PIECES} published pieces. The contributor saves a "
        f"never-published draft every {contributor.SAVE_EVERY} s",
        f"in the contributor area; the editor edits one of the readers' pieces every "
        f"{editors.EDIT_EVERY} s and writes",
        f"and publishes a new piece every {editors.PUBLISH_EVERY} s in the admin. Socket errors "
        "include timeouts (2 s).",
        f"  {'scenario':<40}{heading}",
    ]
    for name, scenario in measured.items():
        readers = scenario["readers"]
        rows.append(
            f"  {name:<40}{readers.rps:>9,.0f}{readers.p50:>9.1f}{readers.p99:>9.1f}"
            f"{readers.non_2xx:>9}{readers.socket_errors:>8}{share(readers, alone)}"
        )
        if scenario["records"]:
            rows += desk(scenario)
    return rows


def saves_found(measured):
    """(found, attempted) of every save and publish of the scenarios, and whether all are there."""
    attempted = found = 0
    complete = True
    for scenario in measured.values():
        for person, record in scenario["records"].items():
            kept = scenario["found"][person]
            attempted += record["saves_attempted"] + record.get("publishes_attempted", 0)
            found += kept["saves_found"] + kept.get("publishes_found", 0)
            complete &= kept.get("last_in_body", True) and kept.get("still_draft", True)
    return found, attempted, complete and found == attempted


def render(results):
    """The report, line by line."""
    return [
        *header(results),
        *seeding(results),
        *queries(results),
        *loads(results),
        *misses(results),
        *scenarios(results),
        *targets(results),
        *memory(results),
    ]
