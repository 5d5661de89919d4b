"""Editors at work during `make bench`'s mixed run, through the Django admin over plain HTTP.

Each editor signs in at /admin/login/, then in turn opens one of their pieces' change page,
sends its form back as a browser would with a unique marker added to the body, and now and
then also publishes a draft from the decision panel. Cookies are kept by hand: the site marks
them Secure, and the benchmark talks plain HTTP behind its pretend TLS proxy.
Two commands run as children of bench/site.py, in the site's environment:
`python bench/editors.py accounts` makes the editors' accounts and writes them, with the pieces
each may edit, to the data folder's bench/editors.json; `python bench/editors.py verify FILE`
looks in the database for every save and publish the editors believed had succeeded.
"""

import http.client
import json
import secrets
import sys
import time
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from seeding import lists_folder, setup_django

LOCKED = "database is locked"
# Every fourth turn an editor takes one of their drafts, edits it and publishes it.
PUBLISH_EVERY = 4
CHANGE_LIST = "/admin/articles/article/"


class FormReader(HTMLParser):
    """The fields one form of a page would send, as a browser would send them unedited."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.action = None
        self.fields = []
        self.textarea = None
        self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            if self.inside:
                self.action = attrs.get("action", "")
            return
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            self.read_input(name, attrs)
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "select" and name:
            self.select = {"name": name, "multiple": "multiple" in attrs, "first": None, "any": 0}
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in attrs:
                self.fields.append((self.select["name"], value))
                self.select["any"] += 1

    def read_input(self, name, attrs):
        kind = attrs.get("type", "text").lower()
        if kind in ("submit", "button", "image", "reset", "file"):
            return
        if kind in ("checkbox", "radio") and "checked" not in attrs:
            return
        default = "on" if kind in ("checkbox", "radio") else ""
        self.fields.append((name, attrs.get("value", default)))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            # HTML drops the newline that follows <textarea>; Django writes one there.
            if text.startswith("\r\n"):
                text = text[2:]
            elif text.startswith("\n"):
                text = text[1:]
            self.fields.append((name, text))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            # A single choice with nothing selected sends its first option, as browsers do.
            chosen = self.select
            if not chosen["multiple"] and not chosen["any"] and chosen["first"] is not None:
                self.fields.append((chosen["name"], chosen["first"]))
            self.select = None


def read_form(page, form_id):
    """(action, [(name, value)…]) of the form with this id, or (None, []) if the page has none."""
    reader = FormReader(form_id)
    reader.feed(page)
    reader.close()
    return reader.action, reader.fields


class Browser:
    """One editor's HTTP client: a kept-alive connection and a cookie jar that ignores Secure."""

    def __init__(self, port):
        self.port = port
        self.host = f"127.0.0.1:{port}"
        self.cookies = {}
        self.connection = None
        self.locked_responses = 0

    def request(self, method, path, form=None, referer=None):
        """(status, headers, text) of one request, sent as through the TLS proxy."""
        headers = {"X-Forwarded-Proto": "https", "Host": self.host}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            # The CSRF check of an HTTPS request wants the page the form came from.
            headers["Referer"] = f"https://{self.host}{referer or path}"
        try:
            response, text = self.send(method, path, body, headers)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            # The server closed a kept-alive connection between requests: open another.
            response, text = self.send(method, path, body, headers)
        self.keep_cookies(response.msg.get_all("Set-Cookie") or [])
        if LOCKED in text:
            self.locked_responses += 1
        return response.status, response.msg, text

    def send(self, method, path, body, headers):
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            return response, response.read().decode("utf-8", "replace")
        except BaseException:
            self.close()
            raise

    def keep_cookies(self, lines):
        for line in lines:
            try:
                parsed = SimpleCookie(line)
            except CookieError:
                continue
            for name, morsel in parsed.items():
                if morsel.value in ("", '""') or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


@dataclass
class EditorRecord:
    """What one editor did, and which of it they were told had worked."""

    username: str
    saves_attempted: int = 0
    saves: list = field(default_factory=list)
    publishes_attempted: int = 0
    publishes: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    locked_responses: int = 0


def change_page(pk):
    return f"{CHANGE_LIST}{pk}/change/"


def sign_in(browser, account):
    """Sign in through the admin's login form; whether the admin let the editor in."""
    login = "/admin/login/?next=/admin/"
    _, _, page = browser.request("GET", login)
    form = dict(read_form(page, "login-form")[1])
    form.update(username=account["username"], password=account["password"], next="/admin/")
    status, _, _ = browser.request("POST", login, form, referer=login)
    return status == 302 and "sessionid" in browser.cookies


def save_with_marker(browser, pk, record):
    """Open the piece's change page and send its form back with a marker added to the body."""
    record.saves_attempted += 1
    status, _, page = browser.request("GET", change_page(pk))
    if status != 200:
        record.failures.append(f"GET {change_page(pk)}: HTTP {status}")
        return False
    _, fields = read_form(page, "article_form")
    marker = f"bench-{uuid.uuid4().hex}"
    form = [
        (name, f"{value}\n\nEdited during the benchmark: {marker}." if name == "body" else value)
        for name, value in fields
    ]
    form.append(("_save", "Save"))
    status, headers, _ = browser.request("POST", change_page(pk), form)
    # Saved, the admin goes back to the list of pieces; refused, it shows the form again.
    if status != 302 or urlsplit(headers.get("Location", "")).path != CHANGE_LIST:
        record.failures.append(f"POST {change_page(pk)}: HTTP {status}")
        return False
    record.saves.append({"pk": pk, "marker": marker})
    return True


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
    """Edit and publish for `seconds` or until `stop` is set; return the EditorRecord of it."""
    browser = Browser(port)
    record = EditorRecord(account["username"])
    try:
        if not sign_in(browser, account):
            record.failures.append("could not sign in to the admin")
            return record
        pieces, drafts = list(account["pieces"]), list(account["drafts"])
        deadline = time.monotonic() + seconds
        turn = 0
        while time.monotonic() < deadline and not stop.is_set():
            turn += 1
            if turn % PUBLISH_EVERY == 0 and drafts:
                draft = drafts.pop(0)
                if save_with_marker(browser, draft, record):
                    publish(browser, draft, record)
            else:
                save_with_marker(browser, pieces[turn % len(pieces)], record)
    except (OSError, http.client.HTTPException) as error:
        record.failures.append(f"connection: {error}")
    finally:
        record.locked_responses = browser.locked_responses
        browser.close()
    return record


def make_editors():
    """Two staff accounts in the Editors group, each with pieces of its own to edit and publish."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from articles import roles
    from articles.models import Article

    editors = []
    group = Group.objects.get(name=roles.EDITORS)
    public = list(Article.objects.public().order_by("-published_at").values_list("pk", flat=True))
    drafts = list(
        Article.objects.filter(status=Article.Status.DRAFT)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for number in range(2):
        password = secrets.token_urlsafe(16)
        user = get_user_model().objects.create_user(
            f"bench-editor-{number + 1}", password=password, is_staff=True
        )
        user.groups.add(group)
        # Pieces of their own, so that neither ever saves over the other's edit.
        editors.append(
            {
                "username": user.username,
                "password": password,
                "pieces": public[number:80:2],
                "drafts": drafts[number::2],
            }
        )
    return editors


def verify(records):
    """How many of the believed saves and publishes the database holds."""
    from articles.models import Article

    saves = [save for record in records for save in record["saves"]]
    published = [pk for record in records for pk in record["publishes"]]
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
        (lists_folder() / "editors.json").write_text(json.dumps(make_editors()))
    else:
        print(json.dumps(verify(json.loads(Path(sys.argv[2]).read_text()))))
