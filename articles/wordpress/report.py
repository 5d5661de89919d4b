"""What an import did, and what it leaves for the editors: the report printed at its end."""

from collections import Counter
from dataclasses import dataclass, field

# How many lines of each list the report prints; the rest are counted.
LISTED = 50


@dataclass
class Report:
    counts: Counter = field(default_factory=Counter)
    # Pictures whose credit an editor must complete, named, with what each lacks.
    credits_to_complete: list = field(default_factory=list)
    # Shortcodes kept as their text, and embeds or media made links, with their post.
    kept_shortcodes: list = field(default_factory=list)
    linked: list = field(default_factory=list)
    # Attachments not imported (no file, refused), and pictures left out of posts for it.
    missing_media: list = field(default_factory=list)
    left_out: list = field(default_factory=list)
    without_alt: list = field(default_factory=list)

    def count(self, what, number=1):
        self.counts[what] += number

    def lines(self, export, *, dry_run=False):
        """The report as lines of text."""
        c = self.counts
        made = [f"{c[state]} {state}" for state in ("published", "scheduled", "draft", "submitted")]
        said = [
            f"{'Dry run of the import of' if dry_run else 'Imported'} {export.title or 'a site'} "
            f"({export.site or 'no address given'}), WXR {export.version}, in one transaction"
            + (": nothing was saved." if dry_run else "."),
            f"Pieces: {', '.join(made)}; {c['pieces already imported']} imported before "
            "and left as they are.",
            f"Skipped: {c['private']} private and {c['trash']} trashed post(s), "
            f"{export.kinds['page']} page(s), {export.comments} comment(s), "
            f"{c['other posts']} post(s) in other states.",
            f"Contributors: {c['contributors made']} made, {c['contributors named']} named in "
            f"bylines. Sections: {c['sections made']} made. Tags: {c['tags made']} made.",
            f"Pictures: {c['pictures']} imported ({c['credits made']} with a credit), "
            f"{c['pictures already imported']} imported before; {c['galleries']} gallery(ies) "
            f"converted; {c['old addresses']} old address(es) now send readers on.",
        ]
        others = sorted(
            k for k in export.kinds if not k.startswith("post:") and k not in ("page", "attachment")
        )
        if others:
            said.append(
                "Other items not imported: "
                + ", ".join(f"{export.kinds[kind]} {kind}" for kind in others)
                + "."
            )
        for title, items in (
            (
                "Credits to complete (listed in the admin's credit audit once shown)",
                self.credits_to_complete,
            ),
            ("Pictures with no alt text (add it in the admin)", self.without_alt),
            ("Shortcodes not converted, kept as text", self.kept_shortcodes),
            ("Embeds and media made links", self.linked),
            ("Missing media, not imported", self.missing_media),
            ("Pictures left out of posts", self.left_out),
        ):
            said.append(f"{title}: {len(items) or 'none'}")
            said += [f"  - {item}" for item in items[:LISTED]]
            if len(items) > LISTED:
                said.append(f"  … and {len(items) - LISTED} more")
        return said
