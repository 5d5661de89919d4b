"""Varnish in front of the site, running the README's VCL: it keeps reader pages and forgets
exactly those the site purges by tag when a change is committed."""

import http.client
import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .factories import make_article
from .tools import missing_tool

README = Path(__file__).resolve().parent.parent / "README.md"
INSTALL = "apt-get install varnish varnish-modules"

# Saves in these tests commit for real: the site purges only after a commit.
pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class Answer:
    status: int
    reason: str
    cache: str
    text: str


class Varnish:
    """A varnishd on this machine, asked for pages under the live server's host name."""

    def __init__(self, port, host):
        self.port = port
        self.host = host

    def request(self, method, path, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, headers={"Host": self.host, **(headers or {})})
            response = connection.getresponse()
            text = response.read().decode()
            return Answer(response.status, response.reason, response.getheader("X-Cache"), text)
        finally:
            connection.close()

    def get(self, path):
        return self.request("GET", path)

    def purge(self, tags):
        return self.request("PURGE", "/", {"Cache-Tag": tags})


def readme_vcl(backend_port):
    """The README's one VCL, sending to the test server instead of gunicorn on port 8000."""
    blocks = re.findall(r"^```vcl\n(.*?)^```$", README.read_text(), flags=re.DOTALL | re.MULTILINE)
    assert len(blocks) == 1, "README.md should hold exactly one ```vcl block"
    vcl, replaced = re.subn(r'\.port = "8000";', f'.port = "{backend_port}";', blocks[0])
    assert replaced == 1, 'the README\'s VCL should name its backend .port = "8000"; once'
    return vcl


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def varnishd():
    path = shutil.which("varnishd") or "/usr/sbin/varnishd"
    if not Path(path).is_file():
        missing_tool(f"varnishd is not installed ({INSTALL})")
    return path


@pytest.fixture
def varnish(live_server, settings, tmp_path):
    """A varnishd of the test's own, with the README's VCL in front of the live server."""
    program = varnishd()
    backend = urlsplit(live_server.url)
    vcl = tmp_path / "magazine.vcl"
    vcl.write_text(readme_vcl(backend.port))
    # Its own working folder (-n), so that it never meets Debian's varnish service, and no jail
    # (-j none): it runs as whoever runs the tests, who can read the test's own folders.
    common = [program, "-j", "none", "-n", tmp_path / "varnish", "-f", vcl]
    compiled = subprocess.run([*common, "-C"], capture_output=True, text=True, timeout=60)
    if compiled.returncode and "VMOD xkey" in compiled.stderr:
        missing_tool(f"Varnish's xkey vmod is missing ({INSTALL})")
    assert compiled.returncode == 0, compiled.stderr

    port = free_port()
    log_path = tmp_path / "varnishd.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            # In the foreground (-F), in little memory, with a small shared log.
            [*common, "-F", "-a", f"127.0.0.1:{port}", "-s", "malloc,32m", "-p", "vsl_space=1m"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        proxy = Varnish(port, backend.netloc)
        wait_until_answering(proxy, process, log_path)
        settings.MAGAZINE_PAGE_CACHE = False  # only Varnish keeps pages: a hit is its own
        settings.MAGAZINE_CDN_MAX_AGE = 3600
        settings.MAGAZINE_CACHE_PURGE_URL = f"http://127.0.0.1:{port}/"
        yield proxy
    finally:
        process.terminate()
        process.wait(timeout=20)


def wait_until_answering(proxy, process, log_path, seconds=30):
    """Wait until the VCL is running: it refuses a PURGE that names no tag, itself."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"varnishd stopped at start:\n{log_path.read_text()}", pytrace=False)
        try:
            if proxy.request("PURGE", "/").status == 400:
                return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"varnishd did not answer in {seconds} s:\n{log_path.read_text()}", pytrace=False)


def assert_kept(proxy, *pieces):
    """Visit each piece twice through Varnish: the first fills the cache, the second is a hit."""
    for piece in pieces:
        first = proxy.get(piece.get_absolute_url())
        assert (first.status, first.cache) == (200, "MISS")
        assert piece.headline in first.text
        assert proxy.get(piece.get_absolute_url()).cache == "HIT"


def test_a_second_visit_to_a_piece_is_served_by_varnish(varnish):
    assert_kept(varnish, make_article(), make_article())


def test_editing_a_piece_purges_its_page_and_leaves_the_others(varnish):
    a, b = make_article(), make_article()
    assert_kept(varnish, a, b)

    a.headline = "The editors changed this headline"
    a.save()

    page = varnish.get(a.get_absolute_url())
    assert page.cache == "MISS"
    assert "The editors changed this headline" in page.text
    assert varnish.get(b.get_absolute_url()).cache == "HIT"


def test_a_purge_naming_an_unknown_tag_forgets_nothing(varnish):
    b = make_article()
    assert_kept(varnish, b)

    answer = varnish.purge("no-such-tag")

    assert (answer.status, answer.reason) == (200, "Purged 0 objects")
    assert varnish.get(b.get_absolute_url()).cache == "HIT"


def test_a_purge_naming_a_pieces_tag_forgets_its_page(varnish):
    b = make_article()
    assert_kept(varnish, b)

    answer = varnish.purge(f"no-such-tag a{b.pk}")

    assert (answer.status, answer.reason) == (200, "Purged 1 objects")
    assert varnish.get(b.get_absolute_url()).cache == "MISS"
