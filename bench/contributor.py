"""The contributor at work during `make bench`'s readers' scenarios, in the contributor area.

The contributor signs in at /accounts/login/ and every SAVE_EVERY seconds opens their draft, a
piece never submitted nor published, at /submit/<id>/, and sends its form back with the "Save
draft" button, the body now ending in a new marker word.
Two commands run as children of bench/site.py, in the site's environment:
`python bench/contributor.py accounts` makes the account, its Contributor profile and the draft,
and writes them to the data folder's bench/contributor.json; `python bench/contributor.py verify
FILE` looks for every marker the contributor believed saved in the draft's history, and for the
last one in its body.
"""

import json
import secrets
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from browser import read_form_sending, with_values, work_signed_in
from seeding import lists_folder, setup_django

SAVE_EVERY = 1
# The body's last paragraph, rewritten by each save with that save's marker.
MARKER_LINE = "Saved during the benchmark: "
# How the history names a revision kept from an edit it refused (Article.keep_refused_edit):
# its text was never the piece's, so it does not count as a save found.
REFUSED_REASON = "Not applied"


@dataclass
class ContributorRecord:
    """What the contributor did, and which of it they were told had worked."""

    username: str
    draft: int
    saves_attempted: int = 0
    # The marker of each save the contributor area accepted, in order.
    saves: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    locked_responses: int = 0
    request_ms: list = field(default_factory=list)


def edit_page(pk):
    return f"/submit/{pk}/"


def with_marker(body, marker):
    """The body with its marker paragraph, if it has one, replaced by one with this marker."""
    kept = body.split(f"\n\n{MARKER_LINE}")[0]
    return f"{kept}\n\n{MARKER_LINE}{marker}"


def save_draft(browser, pk, record):
    """Open the draft's page and send its form back with "Save draft" and a new marker."""
    record.saves_attempted += 1
    status, _, page = browser.request("GET", edit_page(pk))
    # The piece form, with the version it was opened on in a hidden field.
    _, fields = read_form_sending(page, "opened_version")
    if status != 200 or not fields:
        record.failures.append(f"GET {edit_page(pk)}: HTTP {status}, without the piece's form")
        return
    marker = f"draft-{uuid.uuid4().hex}"
    body = dict(fields).get("body", "")
    form = with_values(fields, body=with_marker(body, marker), save="")
    status, headers, _ = browser.request("POST", edit_page(pk), form)
    # Saved, the contributor area shows the piece's page again, by a redirect; refused, the form.
    if status != 302 or urlsplit(headers.get("Location", "")).path != edit_page(pk):
        record.failures.append(f"POST {edit_page(pk)}: HTTP {status}")
        return
    record.saves.append(marker)


def work(port, account, seconds, stop):
    """Save the draft every SAVE_EVERY s for `seconds` or until `stop` is set; the record."""
    record = ContributorRecord(account["username"], account["draft"])
    return work_signed_in(
        port,
        record,
        account,
        ("/accounts/login/", "/submit/"),
        lambda browser: [(SAVE_EVERY, lambda: save_draft(browser, account["draft"], record))],
        seconds,
        stop,
    )


def make_contributor():
    """An account in the Contributors group with its byline profile, and a draft of its own."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from articles import roles
    from articles.models import Article, Byline, Contributor, Section

    password = secrets.token_urlsafe(16)
    user = get_user_model().objects.create_user("bench-contributor", password=password)
    user.groups.add(Group.objects.get(name=roles.CONTRIBUTORS))
    profile = Contributor.objects.create(
        name="Bench Contributor", slug="bench-contributor", user=user
    )
    draft = Article.objects.create(
        headline="A draft saved while the readers read",
        slug="a-draft-saved-while-the-readers-read",
        standfirst="Work in progress, saved again and again.",
        body="The first paragraph of a draft.\n\nThe second, with a few more words in it.",
        section=Section.objects.order_by("pk")[0],
        status=Article.Status.DRAFT,
        created_by=user,
    )
    Byline.objects.create(article=draft, contributor=profile)
    return {"username": user.username, "password": password, "draft": draft.pk}


def verify(record):
    """How many of the believed saves the draft's history holds; whether its body has the last."""
    from articles.models import Article

    markers = record["saves"]
    draft = Article.objects.filter(pk=record["draft"]).values("body", "status", "published_at")[0]
    revisions = "\n".join(
        Article.history.filter(id=record["draft"])
        .exclude(history_change_reason__startswith=REFUSED_REASON)
        .values_list("body", flat=True)
    )
    missing = [marker for marker in markers if marker not in revisions]
    return {
        "saves_found": len(markers) - len(missing),
        "saves_missing": missing,
        "last_in_body": not markers or markers[-1] in draft["body"],
        "still_draft": draft["status"] == Article.Status.DRAFT and draft["published_at"] is None,
    }


if __name__ == "__main__":
    setup_django()
    if sys.argv[1] == "accounts":
        (lists_folder() / "contributor.json").write_text(json.dumps(make_contributor()))
    else:
        print(json.dumps(verify(json.loads(Path(sys.argv[2]).read_text()))))
