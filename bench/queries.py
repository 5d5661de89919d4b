"""Database queries per page, counted with Django's test client: a child of bench/site.py.

`python bench/queries.py` reads the pages seeding.py chose (data folder, bench/sample.json),
asks for each once to warm the process, then once more with the queries captured, and prints
{page: [status, queries]} as one line of JSON. The page cache is off in its environment, so
every query a page costs is counted.
"""

import json

from seeding import lists_folder, setup_django


def count_queries(pages):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # As the benchmark's proxy does: the reader came over HTTPS, to a host the site serves.
    client = Client(HTTP_HOST="localhost", HTTP_X_FORWARDED_PROTO="https")
    counted = {}
    for name, path in pages.items():
        client.get(path, secure=True)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, secure=True)
        counted[name] = [response.status_code, len(queries)]
    return counted


if __name__ == "__main__":
    setup_django()
    pages = json.loads((lists_folder() / "sample.json").read_text())
    print(json.dumps(count_queries(pages)))
