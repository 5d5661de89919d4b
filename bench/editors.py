"""The editor at work during `make bench`'s readers' scenarios, through the Django admin.

The editor signs in at /admin/login/. Every EDIT_EVERY seconds they open the change page of one
of the pieces the readers are reading and send its form back as a browser would, with a unique
marker added to the body; every PUBLISH_EVERY seconds they write a new piece on the admin's add
page, save it as a draft and publish it from the decision panel.
Two commands run as children of bench/site.py, in the site's environment:
`python bench/editors.py accounts` makes the editor's account and writes it, with the pieces it
edits, to the data folder's bench/editor.json; `python bench/editors.py verify FILE` looks in the
database for every save and publish the editor believed had succeeded.
"""

import itertools
import json
import re
import secrets
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from browser import read_form, with_values, work_signed_in
from seeding import lists_folder, setup_django

EDIT_EVERY = 5
PUBLISH_EVERY = 30
CHANGE_LIST = "/admin/articles/article/"
ADD_PAGE = f"{CHANGE_LIST}add/"
# "Save and continue editing" on the add page goes on to the new piece's change page.
CHANGE_PAGE = re.compile(rf"^{CHANGE_LIST}(\d+)/change/$")


@dataclass
class EditorRecord:
    """What the editor did, and which of it they were told had worked."""

    username: str
    saves_attempted: int = 0
    # {"pk", "marker"} of each save the admin accepted: edits, and the new pieces' first saves.
    saves: list = field(default_factory=list)
    publishes_attempted: int = 0
    publishes: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    locked_responses: int = 0
    request_ms: list = field(default_factory=list)


def change_page(pk):
    return f"{CHANGE_LIST}{pk}/change/"


def new_marker():
    return f"bench-{uuid.uuid4().hex}"


def save_with_marker(browser, pk, record):
    """Open the piece's change page and send its form back with a marker added to the body."""
    record.saves_attempted += 1
    status, _, page = browser.request("GET", change_page(pk))
    if status != 200:
        record.failures.append(f"GET {change_page(pk)}: HTTP {status}")
        return
    _, fields = read_form(page, "article_form")
    marker = new_marker()
    form = [
        (name, f"{value}\n\nEdited during the benchmark: {marker}." if name == "body" else value)
        for name, value in fields
    ]
    form.append(("_save", "Save"))
    status, headers, _ = browser.request("POST", change_page(pk), form)
    # Saved, the admin goes back to the list of pieces; refused, it shows the form again.
    if status != 302 or urlsplit(headers.get("Location", "")).path != CHANGE_LIST:
        record.failures.append(f"POST {change_page(pk)}: HTTP {status}")
        return
    record.saves.append({"pk": pk, "marker": marker})


def write_piece(browser, account, record):
    """Write a new piece on the admin's add page and save it as a draft; its id, or None."""
    record.saves_attempted += 1
    status, _, page = browser.request("GET", ADD_PAGE)
    _, fields = read_form(page, "article_form")
    if status != 200 or not fields:
        record.failures.append(f"GET {ADD_PAGE}: HTTP {status}")
        return None
    marker = new_marker()
    # The slug is filled from the headline by the admin's JavaScript, and the section and the
    # byline are picked by autocompletion: here they are typed in as those would fill them.
    typed = {
        "headline": f"Written during the benchmark: {marker}",
        "slug": marker,
        "standfirst": "A piece written and published while the readers read.",
        "body": f"Written in the admin during the benchmark: {marker}.",
        "section": str(account["section"]),
        "bylines-0-contributor": str(account["contributor"]),
        "_continue": "Save and continue editing",
    }
    status, headers, _ = browser.request("POST", ADD_PAGE, with_values(fields, **typed))
    written = CHANGE_PAGE.match(urlsplit(headers.get("Location", "")).path)
    if status != 302 or written is None:
        record.failures.append(f"POST {ADD_PAGE}: HTTP {status}")
        return None
    pk = int(written[1])
    record.saves.append({"pk": pk, "marker": marker})
    return pk


def publish(browser, pk, record):
    """Publish the piece from the decision panel, then read the message the admin shows."""
    record.publishes_attempted += 1
    status, _, page = browser.request("GET", change_page(pk))
    action, fields = read_form(page, "decision-form")
    if status != 200 or not action:
        record.failures.append(f"no decision panel on {change_page(pk)} (HTTP {status})")
        return
    form = [*fields, ("action", "publish")]
    status, headers, _ = browser.request("POST", action, form, referer=change_page(pk))
    location = urlsplit(headers.get("Location", "")).path
    if status != 302 or not location:
        record.failures.append(f"POST {action}: HTTP {status}")
        return
    status, _, page = browser.request("GET", location)
    if status == 200 and "Published: readers can see" in page:
        record.publishes.append(pk)
    else:
        record.failures.append(f"publishing {pk}: no confirmation (HTTP {status})")


def work(port, account, seconds, stop):
    """Edit and publish to the timetable for `seconds` or until `stop` is set; the EditorRecord."""
    record = EditorRecord(account["username"])
    pieces = itertools.cycle(account["pieces"])

    def tasks(browser):
        def publish_new_piece():
            pk = write_piece(browser, account, record)
            if pk is not None:
                publish(browser, pk, record)

        return [
            (PUBLISH_EVERY, publish_new_piece),
            (EDIT_EVERY, lambda: save_with_marker(browser, next(pieces), record)),
        ]

    return work_signed_in(port, record, account, ("/admin/login/", "/admin/"), tasks, seconds, stop)


def make_editor():
    """A staff account in the Editors group, to edit the pieces the readers read (readers.paths)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from articles import roles
    from articles.models import Article, Contributor, Section

    password = secrets.token_urlsafe(16)
    user = get_user_model().objects.create_user("bench-editor", password=password, is_staff=True)
    user.groups.add(Group.objects.get(name=roles.EDITORS))
    read = (lists_folder() / "readers.paths").read_text().split()
    slugs = [path.rstrip("/").rsplit("/", 1)[-1] for path in read]
    pks = dict(Article.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    return {
        "username": user.username,
        "password": password,
        "pieces": [pks[slug] for slug in slugs],
        # Where the new pieces go, and whose name they carry.
        "section": Section.objects.order_by("pk").values_list("pk", flat=True)[0],
        "contributor": Contributor.objects.order_by("pk").values_list("pk", flat=True)[0],
    }


def verify(record):
    """How many of the believed saves and publishes the database holds."""
    from articles.models import Article

    saves, published = record["saves"], record["publishes"]
    bodies = dict(Article.objects.filter(pk__in={s["pk"] for s in saves}).values_list("pk", "body"))
    public = set(
        Article.objects.public()
        .filter(pk__in=published, status=Article.Status.PUBLISHED)
        .values_list("pk", flat=True)
    )
    return {
        "saves_found": sum(save["marker"] in bodies.get(save["pk"], "") for save in saves),
        "saves_missing": [s for s in saves if s["marker"] not in bodies.get(s["pk"], "")],
        "publishes_found": sum(pk in public for pk in published),
        "publishes_missing": [pk for pk in published if pk not in public],
    }


if __name__ == "__main__":
    setup_django()
    if sys.argv[1] == "accounts":
        (lists_folder() / "editor.json").write_text(json.dumps(make_editor()))
    else:
        print(json.dumps(verify(json.loads(Path(sys.argv[2]).read_text()))))
