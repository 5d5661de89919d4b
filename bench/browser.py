"""What the people at work during `make bench` use: a browser, and a timetable to keep.

The editor (bench/editors.py) and the contributor (bench/contributor.py) each read forms and
send them back as a browser would, over plain HTTP. Cookies are kept by hand: the site marks
them Secure, and the benchmark talks plain HTTP behind its pretend TLS proxy.
"""

import http.client
import time
from html.parser import HTMLParser
from http.cookies import CookieError, SimpleCookie
from urllib.parse import urlencode

# What SQLite's error says when a writer gave up waiting; a page or the server log showing it
# means a save was lost to the lock.
LOCKED = "database is locked"


class FormReader(HTMLParser):
    """Every form of a page, with the fields it would send as a browser would send it unedited."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.form = None
        self.textarea = None
        self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.form = {"attrs": attrs, "fields": []}
            self.forms.append(self.form)
            return
        if self.form is None or "disabled" in attrs:
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
                self.form["fields"].append((self.select["name"], value))
                self.select["any"] += 1

    def read_input(self, name, attrs):
        kind = attrs.get("type", "text").lower()
        if kind in ("submit", "button", "image", "reset", "file"):
            return
        if kind in ("checkbox", "radio") and "checked" not in attrs:
            return
        default = "on" if kind in ("checkbox", "radio") else ""
        self.form["fields"].append((name, attrs.get("value", default)))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            # HTML drops the newline that follows <textarea>; Django writes one there.
            if text.startswith("\r\n"):
                text = text[2:]
            elif text.startswith("\n"):
                text = text[1:]
            self.form["fields"].append((name, text))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            # A single choice with nothing selected sends its first option, as browsers do.
            chosen = self.select
            if not chosen["multiple"] and not chosen["any"] and chosen["first"] is not None:
                self.form["fields"].append((chosen["name"], chosen["first"]))
            self.select = None


def page_forms(page):
    reader = FormReader()
    reader.feed(page)
    reader.close()
    return reader.forms


def read_form(page, form_id):
    """(action, [(name, value)…]) of the form with this id, or (None, []) if the page has none."""
    for form in page_forms(page):
        if form["attrs"].get("id") == form_id:
            return form["attrs"].get("action", ""), form["fields"]
    return None, []


def read_form_sending(page, field_name):
    """(action, fields) of the first form with a field of this name, or (None, []).

    For forms without an id: a login form is the one that sends a password.
    """
    for form in page_forms(page):
        if any(name == field_name for name, _ in form["fields"]):
            return form["attrs"].get("action", ""), form["fields"]
    return None, []


def with_values(fields, **values):
    """The fields of a form with these ones set as typed: replaced where present, else added."""
    return [(name, value) for name, value in fields if name not in values] + list(values.items())


class Browser:
    """One person's HTTP client: a kept-alive connection and a cookie jar that ignores Secure."""

    def __init__(self, port):
        self.port = port
        self.host = f"127.0.0.1:{port}"
        self.cookies = {}
        self.connection = None
        self.locked_responses = 0
        # How long each request took to answer, in milliseconds.
        self.request_ms = []

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
        began = time.monotonic()
        try:
            response, text = self.send(method, path, body, headers)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            # The server closed a kept-alive connection between requests: open another.
            response, text = self.send(method, path, body, headers)
        self.request_ms.append((time.monotonic() - began) * 1000)
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

    def sign_in(self, login, username, password, next_path):
        """Fill in the login form at `login` and send it; whether the site let this person in."""
        address = f"{login}?next={next_path}"
        _, _, page = self.request("GET", address)
        fields = read_form_sending(page, "password")[1]
        form = with_values(fields, username=username, password=password, next=next_path)
        status, _, _ = self.request("POST", address, form, referer=address)
        return status == 302 and "sessionid" in self.cookies

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def keep_timetable(tasks, seconds, stop):
    """Do each task of [(every, task)…] every so many seconds until `seconds` pass or `stop` is set.

    Every task is first done at the start, the earlier-listed first. A task that falls behind
    is done again at once rather than in a burst, so that it keeps its pace afterwards.
    """
    start = time.monotonic()
    due = [start] * len(tasks)
    while True:
        turn = min(range(len(tasks)), key=lambda number: due[number])
        if due[turn] >= start + seconds or stop.wait(max(0.0, due[turn] - time.monotonic())):
            return
        every, task = tasks[turn]
        task()
        due[turn] = max(due[turn] + every, time.monotonic())


def work_signed_in(port, record, account, pages, tasks, seconds, stop):
    """Sign in at the first of `pages` (login, landing), then keep the timetable
    `tasks(browser)` for `seconds` or until `stop` is set; failures and the browser's counts go
    in the person's record, returned."""
    browser = Browser(port)
    login_path, landing = pages
    try:
        if not browser.sign_in(login_path, account["username"], account["password"], landing):
            record.failures.append(f"could not sign in at {login_path}")
            return record
        keep_timetable(tasks(browser), seconds, stop)
    except (OSError, http.client.HTTPException) as error:
        record.failures.append(f"connection: {error}")
    finally:
        record.locked_responses = browser.locked_responses
        record.request_ms = browser.request_ms
        browser.close()
    return record
