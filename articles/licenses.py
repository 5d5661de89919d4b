"""The licence registry: every licence an image in the magazine may carry, and what it permits.

The registry is code, not a table, because the law behind each licence does not change
when an editor clicks: a credit names a licence by its key, and everything that depends
on the terms (the credit line, what may be done to the picture) asks this module.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class License:
    key: str
    name: str
    short_name: str
    url: str
    # What the licence lets the magazine do with the work.
    derivatives: bool
    commercial: bool
    share_alike: bool
    attribution: bool
    # "cc", "public-domain", "permission" or "staff": decides the credit line's wording.
    kind: str
    version: str = ""

    @property
    def statement(self):
        """The verb phrase that joins a work to its licence in a credit line."""
        return {
            "cc": "is licensed under",
            "public-domain": "is marked with",
            "permission": "is used",
            "staff": "is a staff work,",
        }[self.kind]

    def __str__(self):
        return self.short_name


CC_VERSIONS = ("1.0", "2.0", "2.5", "3.0", "4.0")

# (code in the URL, the words of its full name, derivatives, commercial, share-alike)
CC_ELEMENTS = {
    "by": ("Attribution", True, True, False),
    "by-sa": ("Attribution-ShareAlike", True, True, True),
    "by-nd": ("Attribution-NoDerivatives", False, True, False),
    "by-nc": ("Attribution-NonCommercial", True, False, False),
    "by-nc-sa": ("Attribution-NonCommercial-ShareAlike", True, False, True),
    "by-nc-nd": ("Attribution-NonCommercial-NoDerivatives", False, False, False),
}

# Version 1.0 also had licences without the attribution element (retired in 2004), and
# called BY-NC-ND "by-nd-nc" in its URL.
CC_1_0_WITHOUT_ATTRIBUTION = {
    "nd": ("NoDerivs", False, True, False),
    "nc": ("NonCommercial", True, False, False),
    "sa": ("ShareAlike", True, True, True),
    "nc-sa": ("NonCommercial-ShareAlike", True, False, True),
    "nd-nc": ("NoDerivs-NonCommercial", False, False, False),
}


def _creative_commons():
    for version in CC_VERSIONS:
        for code, (words, derivatives, commercial, share_alike) in CC_ELEMENTS.items():
            # Before 4.0 the ND element was called "NoDerivs".
            if version != "4.0":
                words = words.replace("NoDerivatives", "NoDerivs")
            url_code = "by-nd-nc" if (version == "1.0" and code == "by-nc-nd") else code
            yield License(
                key=f"cc-{code}-{version}",
                name=f"Creative Commons {words} {version}"
                + (" International" if version == "4.0" else " Generic"),
                short_name=f"CC {code.upper()} {version}",
                url=f"https://creativecommons.org/licenses/{url_code}/{version}/",
                derivatives=derivatives,
                commercial=commercial,
                share_alike=share_alike,
                attribution=True,
                kind="cc",
                version=version,
            )
    for code, (words, derivatives, commercial, share_alike) in CC_1_0_WITHOUT_ATTRIBUTION.items():
        yield License(
            key=f"cc-{code}-1.0",
            name=f"Creative Commons {words} 1.0 Generic",
            short_name=f"CC {code.upper()} 1.0",
            url=f"https://creativecommons.org/licenses/{code}/1.0/",
            derivatives=derivatives,
            commercial=commercial,
            share_alike=share_alike,
            attribution=False,
            kind="cc",
            version="1.0",
        )


def _others():
    yield License(
        key="cc0-1.0",
        name="CC0 1.0 Universal (public domain dedication)",
        short_name="CC0 1.0",
        url="https://creativecommons.org/publicdomain/zero/1.0/",
        derivatives=True,
        commercial=True,
        share_alike=False,
        attribution=False,
        kind="public-domain",
        version="1.0",
    )
    yield License(
        key="pdm-1.0",
        name="Public Domain Mark 1.0",
        short_name="Public Domain Mark 1.0",
        url="https://creativecommons.org/publicdomain/mark/1.0/",
        derivatives=True,
        commercial=True,
        share_alike=False,
        attribution=False,
        kind="public-domain",
        version="1.0",
    )
    # Permission covers publication in the magazine and nothing more: no edits, no resale.
    yield License(
        key="permission",
        name="Used with permission",
        short_name="with permission",
        url="",
        derivatives=False,
        commercial=False,
        share_alike=False,
        attribution=True,
        kind="permission",
    )
    yield License(
        key="staff",
        name="Staff work, all rights reserved",
        short_name="all rights reserved",
        url="",
        derivatives=True,
        commercial=True,
        share_alike=False,
        attribution=True,
        kind="staff",
    )


LICENSES = {license.key: license for license in (*_creative_commons(), *_others())}


def get(key):
    """The licence with this key; KeyError for a key the registry does not know."""
    return LICENSES[key]


def choices():
    """Grouped choices for a form field: the common licences first, then the rest by version."""
    groups = {"Public domain": [], "Other terms": []}
    for license in LICENSES.values():
        if license.kind == "cc":
            groups.setdefault(f"Creative Commons {license.version}", []).append(
                (license.key, license.name)
            )
        elif license.kind == "public-domain":
            groups["Public domain"].append((license.key, license.name))
        else:
            groups["Other terms"].append((license.key, license.name))
    newest_first = sorted(
        (name for name in groups if name.startswith("Creative Commons")), reverse=True
    )
    order = [*newest_first, "Public domain", "Other terms"]
    return [(name, groups[name]) for name in order]


def url_path(url):
    """A link reduced to what names a licence: host and path, lower case, without the page."""
    # Scheme, "www.", query, fragment, the deed or legal-code page and slashes do not matter.
    url = re.sub(r"^(?:https?:)?/*(?:www\.)?", "", url.strip().lower())
    parts = [part for part in re.split(r"[?#]", url, maxsplit=1)[0].split("/") if part]
    while parts and re.fullmatch(r"deed(?:\.[\w-]+)?|legalcode(?:\.[\w-]+)?|rdf", parts[-1]):
        parts.pop()
    return "/".join(parts)


_BY_URL = {url_path(license.url): license for license in LICENSES.values() if license.url}


def by_url(url):
    """The licence a link points to (its canonical URL, deed or legal code), or None."""
    return _BY_URL.get(url_path(url))
