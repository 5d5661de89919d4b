"""The magazine's WSGI application for the crash tests, with one point of a save made to stall.

`CRASH_POINT` names the point; a worker that reaches it writes its process id to the file
`CRASH_MARKER` and sleeps, so that the test knows it is mid-save and can kill it with SIGKILL.

- `upload`: the uploaded picture's original is written, its row not yet inserted.
- `renditions`: the picture's save has committed; its renditions' files are written and their
  rows inserted, not committed (articles/renditions.py `make_renditions`, after the commit).
- `edit`: a piece's UPDATE has run, its transaction not committed.
- `derived`: a save has committed, none of its derived work (articles/derived.py) is done.
- `committed`: an editor's save is committed and its derived work done, its response not sent.
"""

import os
import time
from functools import wraps
from pathlib import Path

from magazine.wsgi import application as magazine_application

# Far longer than a test waits for the marker: the worker is killed long before it wakes.
STALL_SECONDS = 600


def stall():
    marker = Path(os.environ["CRASH_MARKER"])
    # Written aside and renamed, so that the test never reads half a process id.
    draft = marker.with_name(marker.name + ".part")
    draft.write_text(str(os.getpid()))
    draft.replace(marker)
    time.sleep(STALL_SECONDS)


def stall_after(owner, method, when=lambda result: True):
    """Make `owner.method` stall once it has done its work, if its result passes `when`."""
    original = getattr(owner, method)

    @wraps(original)
    def stalling(*args, **kwargs):
        result = original(*args, **kwargs)
        if when(result):
            stall()
        return result

    setattr(owner, method, stalling)


def stall_before(owner, method):
    """Make `owner.method` stall before it does anything."""
    original = getattr(owner, method)

    @wraps(original)
    def stalling(*args, **kwargs):
        stall()
        return original(*args, **kwargs)

    setattr(owner, method, stalling)


def arm(point):
    """Make the named point stall; imported here, once the application has loaded Django."""
    from articles import derived
    from articles.models import Article
    from articles.models.renditions import RenditionManager
    from articles.storage import MediaStorage

    if point == "upload":
        stall_after(MediaStorage, "_save", lambda name: name.startswith("images/"))
    elif point == "renditions":
        stall_after(RenditionManager, "bulk_create")
    elif point == "edit":
        stall_after(Article, "save")
    elif point == "derived":
        stall_before(derived, "work_out")
    elif point != "committed":
        raise ValueError(f"No crash point is called {point!r}.")


if os.environ.get("CRASH_POINT"):
    arm(os.environ["CRASH_POINT"])


def application(environ, start_response):
    response = magazine_application(environ, start_response)
    if (
        os.environ.get("CRASH_POINT") == "committed"
        and environ["REQUEST_METHOD"] == "POST"
        and environ["PATH_INFO"].startswith("/admin/articles/")
    ):
        stall()
    return response
