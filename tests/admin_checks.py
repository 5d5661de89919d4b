"""What the admin's browser tests share: axe-core and the Nu checker on the editors' pages.

Django's own admin markup, unmodified, brings two things to these pages that are left out of
the count, by rule and element only, so that anything of ours would still fail: select2, the
library behind Django's autocomplete boxes (a byline's contributor, the tags), names neither
its search box nor an empty choice, and once its script has run it puts a list in a <span>;
Django's admin/js/inlines.js marks an inline's hidden management inputs autocomplete="off",
which the HTML standard does not allow on hidden inputs (the page as sent has no such thing).
"""

import re

from playwright.sync_api import expect

from .factories import PASSWORD
from .test_browser import AXE_OPTIONS

VIEWPORTS = {390: {"width": 390, "height": 844}, 1280: {"width": 1280, "height": 900}}
SCREEN_SIZES = [(scheme, width) for scheme in ("light", "dark") for width in VIEWPORTS]

AXE_VIOLATIONS = """async (options) => (await axe.run(document, options)).violations
    .map((v) => ({...v, nodes: v.nodes.filter((node) => !(
        ["label", "aria-input-field-name"].includes(v.id)
        && /select2-/.test(node.target.join(" "))
    ))}))
    .filter((v) => v.nodes.length)
    .map((v) => `${v.id} [${v.impact}] ${v.help}: ${v.nodes.map((n) => n.target.join(" "))}`)"""
SELECT2_BOXES = (
    "() => document.querySelectorAll('.select2-container').forEach((box) => box.remove())"
)
DJANGO_INLINE_AUTOCOMPLETE = re.compile(
    r'(<input type="hidden" name="[\w-]+-(?:TOTAL|MIN_NUM|MAX_NUM)_FORMS"[^>]*?) autocomplete="off"'
)


def accessibility_problems(page, axe, base_url, pages):
    """axe-core's violations on each page, named by page; the page needs bypass_csp=True."""
    problems = []
    for name, path in pages.items():
        assert page.goto(base_url + path).ok, f"{name} did not load"
        problems += problems_here(page, axe, name)
    return problems


def problems_here(page, axe, name):
    """axe-core's violations on the page as it stands (it adds axe's script to the page)."""
    page.add_script_tag(path=str(axe))
    return [f"{name}: {v}" for v in page.evaluate(AXE_VIOLATIONS, AXE_OPTIONS)]


def pages_as_sent_and_shown(page, base_url, pages, label):
    """Each page's HTML as the server sent it and as it stands once its scripts have run."""
    found = {}
    for name, path in pages.items():
        slug = name.replace(" ", "-")
        response = page.goto(base_url + path)
        found[f"{slug}-as-sent"] = response.text()
        found[f"{slug}-{label}"] = html_here(page)
    return found


def html_here(page):
    """The page's HTML as it stands, for the Nu checker (select2's boxes taken out of it)."""
    page.evaluate(SELECT2_BOXES)
    return DJANGO_INLINE_AUTOCOMPLETE.sub(r"\1", page.content())


def signed_in_as_editor(new_page, url, username="eve", **options):
    """A new page signed in to the admin as the editor the test made (factories.PASSWORD)."""
    page = new_page(**options)
    page.goto(f"{url}/admin/login/")
    page.get_by_label(re.compile("^Username")).fill(username)
    page.get_by_label(re.compile("^Password")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{url}/admin/")
    return page


def without_empty_autocomplete_choice(pages, *field_names):
    """The pages with the empty first <option> of Django's autocomplete box for these optional
    choices left out: HTML wants a label on it, and the markup is Django's, unmodified."""
    empty_choice = re.compile(
        rf'(<select name="(?:{"|".join(field_names)})"[^>]*class="admin-autocomplete[^"]*"[^>]*>)'
        r'\s*<option value=""[^>]*></option>'
    )
    return {name: empty_choice.sub(r"\1", html) for name, html in pages.items()}
