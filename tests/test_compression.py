"""Compression: a reader page is sent gzipped to a reader who asks, compressed once as it is
stored; a page that carries a secret (a CSRF token, a session) is never compressed (BREACH)."""

import gzip
import http.client

import pytest

from articles import pagecache

from .factories import make_article, make_writer
from .test_varnish import varnish  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.MAGAZINE_PAGE_CACHE = True


@pytest.fixture
def piece(db):
    return make_article(headline="French Troops Exit Mali", slug="french-troops-exit-mali")


@pytest.fixture
def compressions(monkeypatch):
    """How many times a page was gzipped."""
    calls = []
    real = pagecache.compressed

    def counting(response):
        calls.append(response)
        return real(response)

    monkeypatch.setattr(pagecache, "compressed", counting)
    return calls


def test_a_reader_who_asks_for_gzip_gets_the_page_gzipped(client, piece):
    plain = client.get(piece.get_absolute_url())
    zipped = client.get(piece.get_absolute_url(), **GZIP)

    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert b"French Troops Exit Mali" in plain.content
    assert zipped["Content-Length"] == str(len(zipped.content))
    assert "Accept-Encoding" in zipped["Vary"] and "Cookie" in zipped["Vary"]
    # The same page in other bytes: its ETag is the plain page's, made weak.
    assert zipped["ETag"] == f"W/{plain['ETag']}"


@pytest.mark.parametrize("url", ["/", "/feed/", "/sitemap.xml"])
def test_listings_feeds_and_the_sitemap_are_gzipped_too(client, piece, url):
    for _ in range(2):  # as made, then from the cache
        response = client.get(url, **GZIP)
        assert response["Content-Encoding"] == "gzip", url
        assert gzip.decompress(response.content) == client.get(url).content


@pytest.mark.parametrize(
    "accept", [None, "", "identity", "deflate, br", "gzip;q=0", "x-gzip-not;q=1"]
)
def test_a_reader_who_does_not_ask_for_gzip_gets_the_plain_page(client, piece, accept):
    headers = {} if accept is None else {"HTTP_ACCEPT_ENCODING": accept}
    for _ in range(2):  # as made, then from the cache
        response = client.get(piece.get_absolute_url(), **headers)
        assert not response.has_header("Content-Encoding")
        assert b"French Troops Exit Mali" in response.content
        assert "Accept-Encoding" in response["Vary"]
        assert response["Content-Length"] == str(len(response.content))


def test_a_stored_page_is_compressed_once_and_its_gzip_reused(client, piece, compressions):
    url = piece.get_absolute_url()
    first = client.get(url, **GZIP)
    assert len(compressions) == 1

    again = [client.get(url, **GZIP) for _ in range(3)]
    plain = client.get(url)

    assert len(compressions) == 1
    assert {response.content for response in again} == {first.content}
    assert gzip.decompress(first.content) == plain.content


def test_a_repeat_visit_with_the_gzip_etag_is_not_modified(client, piece):
    url = piece.get_absolute_url()
    etag = client.get(url, **GZIP)["ETag"]

    again = client.get(url, HTTP_IF_NONE_MATCH=etag, **GZIP)

    assert again.status_code == 304 and again.content == b""


def test_without_the_page_cache_reader_pages_are_still_gzipped(client, piece, settings):
    settings.MAGAZINE_PAGE_CACHE = False
    response = client.get(piece.get_absolute_url(), **GZIP)
    assert response["Content-Encoding"] == "gzip"
    assert b"French Troops Exit Mali" in gzip.decompress(response.content)


def test_the_sign_in_page_with_its_csrf_token_is_never_compressed(client, compressions):
    response = client.get("/accounts/login/", **GZIP)

    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content
    assert not response.has_header("Content-Encoding")
    assert compressions == []


def test_pages_for_a_signed_in_user_are_never_compressed(client, piece, compressions):
    writer = make_writer("ada")
    client.force_login(writer)

    for url in ("/submit/", "/", piece.get_absolute_url()):
        response = client.get(url, **GZIP)
        assert response.status_code == 200, url
        assert not response.has_header("Content-Encoding"), url
    assert compressions == []


def test_a_reader_page_that_sets_a_cookie_is_never_compressed(client, piece):
    response = client.get(piece.get_absolute_url())
    response.set_cookie("csrftoken", "secret")
    assert pagecache.compressed(response) is None


def test_a_page_holding_a_csrf_field_is_never_compressed(client, piece):
    response = client.get(piece.get_absolute_url())
    response.content += b'<input type="hidden" name="csrfmiddlewaretoken" value="x">'
    assert pagecache.compressed(response) is None


def through(proxy, path, headers):
    connection = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": proxy.host, **headers})
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_behind_varnish_a_page_is_gzipped_once_and_plain_for_who_does_not_ask(varnish):  # noqa: F811
    piece = make_article(headline="Through the Proxy")
    url = piece.get_absolute_url()

    zipped, body = through(varnish, url, {"Accept-Encoding": "gzip"})
    plain, text = through(varnish, url, {})

    assert zipped.getheader("Content-Encoding") == "gzip"
    # Decompressed once, it is the page: never gzip inside gzip.
    assert gzip.decompress(body) == text
    assert b"Through the Proxy" in text
    # Varnish keeps the site's gzip and unzips it for a reader who did not ask.
    assert plain.getheader("Content-Encoding") is None
    assert plain.getheader("X-Cache") == "HIT"
