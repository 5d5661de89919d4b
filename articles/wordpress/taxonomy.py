"""WordPress categories as sections and tags as tags.

A post's section is its first category, or the section a `--section-map` file gives for it;
its other categories become tags, so that nothing it was filed under is lost. A section or tag
of the same name (or slug) that the site has already is used, never made twice.

The map is a text file of lines `category: Section`, where the category is its slug or name on
the old site and the section a name or slug here (made if the site has none). Blank lines and
lines starting with # are ignored.
"""

from django.db.models import Max, Q
from django.utils.text import slugify
from taggit.models import Tag

from ..models import Section
from ..models.content import unique_slug
from .reading import WordPressProblem


def read_section_map(path):
    """The map's lines as {category: section}; raise WordPressProblem for a line it cannot read."""
    mapping = {}
    try:
        with open(path, encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                category, colon, section = (part.strip() for part in line.partition(":"))
                if not (colon and category and section):
                    raise WordPressProblem(
                        f"Line {number} of the section map {path} is not “category: Section”: "
                        f"{line[:80]!r}. Nothing was imported."
                    )
                mapping[category.lower()] = section
    except (OSError, UnicodeDecodeError) as error:
        raise WordPressProblem(
            f"The section map {path} could not be read ({error}). Nothing was imported."
        ) from None
    return mapping


class Terms:
    """The sections and tags of one import, found or made as posts name them."""

    def __init__(self, export, section_map, report):
        self.names = export.categories
        self.tag_slugs = {name: slug for slug, name in export.tags.items()}
        self.section_map = section_map or {}
        self.report = report
        self.sections = {}
        self.tags = {}

    def section_and_tags(self, post):
        """The post's section (or None) and its tags' names, in the export's order."""
        categories = [
            (nicename, name) for domain, nicename, name in post.terms if domain == "category"
        ]
        section = self.section(*categories[0]) if categories else None
        names = [name for domain, _, name in post.terms if domain == "post_tag"]
        names += [name for _, name in categories[1:]]
        return section, list(dict.fromkeys(filter(None, names)))

    def section(self, nicename, name):
        name = self.names.get(nicename, name) or nicename
        wanted = (
            self.section_map.get(nicename.lower()) or self.section_map.get(name.lower()) or name
        )
        if wanted not in self.sections:
            found = Section.objects.filter(Q(name__iexact=wanted) | Q(slug=slugify(wanted))).first()
            if found is None:
                place = Section.objects.aggregate(last=Max("position"))["last"]
                found = Section(name=wanted[:80], position=(place or 0) + 1)
                found.slug = unique_slug(Section.objects, wanted, fallback="section", limit=70)
                found.save()
                self.report.count("sections made")
            self.sections[wanted] = found
        return self.sections[wanted]

    def tag(self, name):
        """The tag of this name, made with the old site's slug when that is free."""
        if name not in self.tags:
            tag = Tag.objects.filter(name__iexact=name).first()
            if tag is None:
                slug = self.tag_slugs.get(name, "")
                free = slug and not Tag.objects.filter(slug=slug).exists()
                # With no slug, taggit makes a free one from the name.
                tag = Tag(name=name[:100], slug=slug if free else "")
                tag.save()
                self.report.count("tags made")
            self.tags[name] = tag
        return self.tags[name]
