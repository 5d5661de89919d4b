"""Links typed by people: only web addresses get in, and only web addresses go out as links.

A link is entered in the profile, the admin and the import, and shown on pages, in feeds, in
the JSON-LD and in mail. Everywhere it is entered it must be an http:// or https:// address;
everywhere it is shown, `safe_href` decides whether it becomes a link at all, so that a value
stored before these checks (or put in the database by hand) is shown as text, never followed.
"""

import unicodedata
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

WEB_SCHEMES = ("http", "https")
# Enough of a pasted value to recognise it in a message.
QUOTED_CHARS = 80

_well_formed = URLValidator(schemes=list(WEB_SCHEMES))


def _plain(value):
    """The value without surrounding spaces, or "" if it holds a space or control inside."""
    value = str(value or "").strip()
    # Browsers drop tabs and line breaks inside an address, so "java\tscript:" would run.
    if any(char.isspace() or unicodedata.category(char) == "Cc" for char in value):
        return ""
    return value


def is_web_address(value):
    """True for an absolute http:// or https:// address with a host, and nothing else."""
    value = _plain(value)
    if not value or "\\" in value:
        return False
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(host)


def safe_href(value):
    """The value if it may be an href (a web address or a path of this site), else None."""
    value = _plain(value)
    if is_web_address(value):
        return value
    # "//host" and "/\host" lead to another site, whatever follows.
    if value.startswith("/") and not value.startswith(("//", "/\\")) and "\\" not in value:
        return value
    return None


def link_lines(value):
    """The non-empty lines of a links field, stripped."""
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]


def problem_with(value, *, line=None):
    """Why the value may not be entered as a link, quoting it (and its line), or ""."""
    value = str(value).strip()
    quoted = value if len(value) <= QUOTED_CHARS else value[: QUOTED_CHARS - 1] + "…"
    subject = f"Line {line}, “{quoted}”," if line else f"“{quoted}”"
    if not is_web_address(value):
        message = f"{subject} is not a web address: links must start with http:// or https://."
        # "instagram.com/pipa": the one thing missing is the scheme.
        if "." in value and ":" not in value and _plain(value) and not value.startswith("/"):
            message += f" For example: https://{quoted}"
        return message
    try:
        _well_formed(value)
    except ValidationError:
        return f"{subject} is not a complete web address: check it for typing mistakes."
    return ""


def validate_web_address(value):
    """Refuse anything but a well-formed http(s) address; for a field of one link."""
    if value and (message := problem_with(value)):
        raise ValidationError(message, code="not_web_address")


def validate_link_lines(value):
    """Refuse links, one per line, if any line is not an http(s) address, naming each such line."""
    errors = [
        ValidationError(message, code="not_web_address")
        for number, line in enumerate(str(value or "").splitlines(), 1)
        if line.strip() and (message := problem_with(line, line=number))
    ]
    if errors:
        raise ValidationError(errors)


class WebAddressField(forms.URLField):
    """A link field that takes http(s) addresses only; one typed without a scheme gets https."""

    default_validators = [validate_web_address]

    def __init__(self, **kwargs):
        # As Django 6 will do by default.
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)

    def to_python(self, value):
        typed = str(value or "").strip()
        try:
            scheme = urlsplit(typed).scheme
        except ValueError:
            scheme = ""
        # Refused before URLField reads it, which would turn "javascript:alert(1)" into
        # "javascript://alert(1)": the message quotes what was typed.
        if scheme and scheme.lower() not in WEB_SCHEMES:
            raise ValidationError(problem_with(typed), code="not_web_address")
        return super().to_python(value)


class LinkLinesField(forms.CharField):
    """Links, one per line, each an http(s) address."""

    widget = forms.Textarea
    default_validators = [validate_link_lines]

    def __init__(self, **kwargs):
        # Unstripped, so that a message's line number is the line as the person sees it.
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)

    def clean(self, value):
        # Blank lines and stray spaces are dropped, so what is stored is what is shown.
        return "\n".join(link_lines(super().clean(value)))
