"""The outside programs the browser and HTML tests drive, and what happens when one is missing."""

import os
import re
import shutil
from pathlib import Path

import pytest

from .factories import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
NPM_INSTALL = "npm install --prefix .venv/node vnu-jar@26 axe-core@4 (or run `make pytest`)"


def missing_tool(message):
    """Skip the calling test for want of a tool, or fail it on CI, where every tool must exist."""
    # CI installs everything; a tool missing there is a broken pipeline, not a reason to skip.
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def node_tool(relative_path):
    """The path of a file installed by npm under $NODE_TOOLS."""
    root = os.environ.get("NODE_TOOLS")
    if not root:
        missing_tool(f"NODE_TOOLS is not set, so {relative_path} cannot be found; {NPM_INSTALL}")
    path = Path(root) / relative_path
    if not path.is_file():
        missing_tool(f"{relative_path} is missing from NODE_TOOLS={root}; {NPM_INSTALL}")
    return path


def vnu_jar():
    """The Nu HTML validator's jar."""
    return node_tool("vnu-jar/build/dist/vnu.jar")


def axe_script():
    """The axe-core accessibility engine, as one script to inject into a page."""
    return node_tool("axe-core/axe.min.js")


def java():
    """The java executable that runs the Nu validator."""
    path = shutil.which("java")
    if path is None:
        missing_tool("java is not on PATH (install a JRE, e.g. default-jre-headless)")
    return path


def chromium():
    """Debian's Chromium, which Playwright drives in place of its own download."""
    if not CHROMIUM.is_file():
        missing_tool(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


def sign_in(page, url, username, password=None):
    """Sign in through the sign-in page at `url`, as a person would."""
    page.goto(url)
    page.get_by_label(re.compile("^Username")).fill(username)
    page.get_by_label(re.compile("^Password")).fill(password or PASSWORD)
    page.get_by_role("button", name=re.compile("^(Sign in|Log in)$")).click()
