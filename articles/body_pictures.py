"""Library pictures in a piece's body: which it names, who may name them, and showing them.

The body's HTML, cached on the piece, holds a placeholder for each picture or gallery line
(articles/rendering.py). A picture's renditions are made after its save and may change, so the
picture itself is filled in when a page is made, from one query for all of the piece's
pictures, through the same <picture> markup as the hero.
"""

import re

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .models import Article, Image
from .rendering import PICTURE_LINE, PLACEHOLDER, picture_lines, picture_numbers


def shown_pictures(numbers, among=None):
    """The pictures with these numbers, credits with them, by number: one query, or none."""
    if not numbers:
        return {}
    pictures = (Image.objects if among is None else among).filter(pk__in=numbers)
    return {image.pk: image for image in pictures.select_related("credit")}


def pictures_of(html, among=None):
    """The pictures the body's HTML names, by number, in the order it names them."""
    numbers = picture_numbers(html)
    found = shown_pictures(numbers, among)
    return {number: found[number] for number in numbers if number in found}


def with_pictures(html, pictures, *, explain=False):
    """The body's HTML with each placeholder replaced by its pictures, captions and credits.

    A picture missing from `pictures` is left out; with `explain` (a writer's preview) a note
    says which, so that the writer can correct the number.
    """

    def fill(match):
        numbers = [int(number) for number in match[2].split()]
        shown = [pictures[number] for number in numbers if number in pictures]
        missing = [number for number in numbers if number not in pictures]
        parts = []
        if shown and match[1] == "picture":
            parts.append(render_to_string("includes/body_picture.html", {"image": shown[0]}))
        elif shown:
            parts.append(render_to_string("includes/body_gallery.html", {"images": shown}))
        if explain and missing:
            parts.append(format_html('<p class="picture-note">{}</p>', not_usable(missing)))
        return "".join(parts)

    # The HTML was sanitised when it was rendered, and the pictures' text is escaped by their
    # templates, so the whole stays safe.
    return mark_safe(PLACEHOLDER.sub(fill, html or ""))


def not_usable(numbers):
    listed = ", ".join(map(str, numbers))
    pictures = "Picture" if len(numbers) == 1 else "Pictures"
    return (
        f"{pictures} {listed}: not in the picture library, or not one you can use here. "
        "Check the number."
    )


# --- Who may name which picture ----------------------------------------------------------


def may_use_any_picture(user):
    """Editors work from the whole picture library."""
    return bool(user and user.is_active and user.is_staff and user.has_perm("articles.view_image"))


def usable_pictures(user, article=None):
    """The pictures `user` may name in `article`'s body: an editor any; a contributor those
    they uploaded and those the piece shows already (as stored, hero included)."""
    if may_use_any_picture(user):
        return Image.objects.all()
    return writers_pictures(user, article)


def writers_pictures(user, article=None):
    """The pictures a writer uploaded, and those `article` shows already, newest first."""
    allowed = Q(uploaded_by=user) if user and user.is_authenticated else Q(pk__in=[])
    if article is not None and article.pk:
        stored = Article.objects.filter(pk=article.pk)
        allowed |= Q(pk__in=stored.values("body_pictures")) | Q(pk__in=stored.values("hero_image"))
    return Image.objects.filter(allowed).select_related("credit").order_by("-uploaded_at", "-pk")


def previewable_pictures(user):
    """The pictures a writer's live preview may show: theirs, and those of their pieces."""
    if may_use_any_picture(user):
        return Image.objects.all()
    if not (user and user.is_authenticated):
        return Image.objects.none()
    own = Article.objects.written_by(user).values("pk")
    return Image.objects.filter(
        Q(uploaded_by=user) | Q(hero_of__in=own) | Q(shown_in_body_of__in=own)
    ).distinct()


def referenced_numbers(body):
    """The picture numbers the Markdown names on its picture and gallery lines, each once."""
    return list(dict.fromkeys(n for _, _, numbers in picture_lines(body) for n in numbers))


def refused_references(body, user, article=None):
    """A sentence for each picture the body names that does not exist or `user` may not use."""
    numbers = referenced_numbers(body)
    if not numbers:
        return []
    existing = set(Image.objects.filter(pk__in=numbers).values_list("pk", flat=True))
    if may_use_any_picture(user):
        return [
            f"There is no picture {number} in the picture library: check its number."
            for number in numbers
            if number not in existing
        ]
    usable = set(usable_pictures(user, article).filter(pk__in=numbers).values_list("pk", flat=True))
    # Said the same way whether or not the picture exists: someone else's library is not
    # for guessing at.
    return [
        f"Picture {number} is not one you can use: you can show the pictures you uploaded "
        "and those already in this piece."
        for number in numbers
        if number not in usable
    ]


def pictures_named(body):
    """The library pictures a body's Markdown names, with their credits, in its order."""
    numbers = referenced_numbers(body)
    found = shown_pictures(numbers)
    return [found[number] for number in numbers if number in found]


# --- Keeping the record --------------------------------------------------------------------


def record(article):
    """Make `article.body_pictures` the pictures its body's HTML names (those that exist)."""
    article.body_pictures.set(Image.objects.filter(pk__in=picture_numbers(article.body_html)))


def record_in_bulk(pks):
    """The same for pieces written without their saves (bulk_create)."""
    pks = list(pks)
    for start in range(0, len(pks), 500):
        chunk = Article.objects.filter(pk__in=pks[start : start + 500])
        for article in chunk.filter(body_html__contains="<figure data-").only("body_html"):
            record(article)


def renumbered(body, numbers):
    """The Markdown with each picture line's numbers changed by the mapping `numbers`.

    Raises KeyError for a number the mapping lacks. Only picture and gallery lines change, as
    the renderer reads them: the same words in a code block or a sentence stay as they are.
    """

    def renumber(match):
        listed = " ".join(str(numbers[int(number)]) for number in match[2].split())
        return f"[[{match[1]} {listed}]]"

    # Lines as the renderer counts them, each line ending kept between them as it was typed:
    # a body moved to another site comes back as written, but for the numbers.
    parts = re.split(r"(\r\n?|\n)", body or "")
    for line, _, _ in picture_lines(body):
        parts[2 * line] = PICTURE_LINE.sub(renumber, parts[2 * line])
    return "".join(parts)
