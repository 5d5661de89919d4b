"""The ceiling `make bench` compares pages with: a bare WSGI application answering a short text.

gunicorn serves it with the magazine's own gunicorn.conf.py
(`gunicorn -c gunicorn.conf.py bench.hello:application`): what is left between it and a page
is what Django and the magazine cost.
"""

BODY = b"Hello from a bare WSGI application.\n"
HEADERS = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    """Answer every request with the same 200 and the same short text."""
    start_response("200 OK", HEADERS)
    return [BODY]
