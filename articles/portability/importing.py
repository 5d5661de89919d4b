"""Import: an export folder read into an empty site, in one transaction, through the models."""

from contextlib import contextmanager
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import CommandError
from django.db import DatabaseError, transaction
from taggit.models import Tag

from .. import body_pictures
from ..models import (
    Article,
    Byline,
    Contributor,
    Correction,
    Image,
    ImageCredit,
    Issue,
    Position,
    Rendition,
    Section,
    Series,
    SlugHistory,
    image_upload_to,
)
from ..models.magazine import edition_upload_to
from .documents import (
    CONTRIBUTORS,
    CORRECTIONS,
    COUNTED,
    IMAGES,
    INDEX,
    ISSUES,
    MASTHEAD,
    PIECES,
    SECTIONS,
    SERIES,
    ImportProblem,
    describe,
)
from .exporting import image_key
from .reading import read_folder


def import_magazine(folder, *, progress):
    """Read an export folder into this empty site in one transaction, and return the counts."""
    folder = Path(folder)
    if not (folder / INDEX).is_file():
        raise CommandError(f"{folder} is not an exported magazine: it has no {INDEX}.")
    refuse_unless_empty()
    # Every file is read and checked before anything is written.
    content = read_folder(folder, progress)
    written = []
    try:
        with transaction.atomic():
            # Again inside the transaction: on SQLite it holds the write lock from here on.
            refuse_unless_empty()
            made = {kind: {} for kind in (SECTIONS, IMAGES, CONTRIBUTORS, PIECES, ISSUES, SERIES)}
            made |= {MASTHEAD: [], CORRECTIONS: [], "tags": {}}
            for create, record in progress(steps(content), unit="file", desc="Import"):
                with named_in_problems(record.where):
                    create(record, made, written, content.tag_slugs)
    except BaseException:
        # The rows are rolled back; the files saved for them go too.
        for name in written:
            default_storage.delete(name)
        raise
    return {kind: len(made[kind]) for kind in COUNTED}


def refuse_unless_empty():
    """Refuse a site that has content already: an import adds to nothing, so replaces nothing."""
    present = [
        label
        for label, model in (
            ("pieces", Article),
            ("contributors", Contributor),
            ("sections", Section),
            ("pictures", Image),
            ("issues", Issue),
            ("series", Series),
            ("masthead positions", Position),
            ("corrections", Correction),
        )
        if model.objects.exists()
    ]
    if present:
        raise CommandError(
            f"This site already has {', '.join(present)}. Import only into an empty site (a new "
            "database, after `manage.py migrate`). Nothing was imported."
        )


@contextmanager
def named_in_problems(where):
    """Turn a model's refusal of a file's values into a message naming that file."""
    try:
        yield
    except ImportProblem:
        raise
    except ValidationError as error:
        raise ImportProblem(where, describe(error)) from None
    except (DatabaseError, OSError, ValueError) as error:
        raise ImportProblem(where, f"it could not be saved ({error})") from None


def steps(content):
    """What to create, and how, in the order that lets each find what it names."""
    return (
        [(create_section, record) for record in content.sections]
        + [(create_image, record) for record in content.images]
        + [(create_contributor, record) for record in content.contributors]
        + [(create_issue, record) for record in content.issues]
        + [(create_series, record) for record in content.series]
        + [(create_piece, record) for record in content.pieces]
        + [(create_masthead, record) for record in content.masthead]
    )


def create_section(record, made, written, tag_slugs):
    section = Section(**record.fields)
    section.full_clean()
    section.save()
    made[SECTIONS][record.key] = section


def create_image(record, made, written, tag_slugs):
    storage = default_storage
    image = Image(**record.fields)
    content = record.reencoded or File(record.original.open("rb"), name=record.original.name)
    # The stored name is kept, so that the picture's address stays the same, unless the file
    # was re-encoded (its name then is new) or the name is taken.
    name = record.stored_as if record.stored_as and not record.reencoded else ""
    with content:
        name = storage.save(name or image_upload_to(image, content.name), content)
    written.append(name)
    image.file = name
    credit = ImageCredit(**record.credit) if record.credit is not None else None
    if credit:
        # Known to the picture before its first save, its licence shapes the renditions made
        # then (a crop, or a letterboxed card), instead of their being made twice.
        image.credit = credit
        credit.full_clean(exclude=["image"])
    image.full_clean()
    try:
        image.save()
        if credit:
            credit.image = image
            credit.save()
    finally:
        written.extend(Rendition.objects.filter(image_id=image.pk).values_list("file", flat=True))
    restore_times(Image, image.pk, record.times)
    made[IMAGES][record.key] = image


def create_contributor(record, made, written, tag_slugs):
    photo = made[IMAGES].get(record.refs[IMAGES])
    contributor = Contributor(**record.fields, photo=photo)
    contributor.full_clean()
    contributor.save()
    made[CONTRIBUTORS][record.key] = contributor


def create_piece(record, made, written, tag_slugs):
    fields = {**record.fields, "body": with_imported_pictures(record, made)}
    article = Article(
        **fields,
        section=made[SECTIONS].get(record.refs[SECTIONS]),
        hero_image=made[IMAGES].get(record.refs[IMAGES]),
        issue=made[ISSUES].get(record.refs[ISSUES]),
        series=made[SERIES].get(record.refs[SERIES]),
    )
    article.full_clean()
    # The model's own save: the HTML, word count, search entry and first revision.
    article.save()
    for position, (slug, role) in enumerate(record.bylines):
        byline = Byline(
            article=article, contributor=made[CONTRIBUTORS][slug], role=role, position=position
        )
        byline.full_clean()
        byline.save()
    # One at a time: taggit adds a batch in no particular order, and pages list them in this one.
    for name in record.tags:
        article.tags.add(tag_named(name, made["tags"], tag_slugs))
    for slug, left_at in record.old_slugs:
        old = SlugHistory(article=article, slug=slug)
        old.full_clean()
        old.save()
        restore_times(SlugHistory, old.pk, {"created_at": left_at})
    for fields in record.corrections:
        # Who wrote it stays behind with the accounts; what it says, and when, come along.
        correction = Correction(article=article, **fields)
        correction.full_clean()
        correction.save()
        made[CORRECTIONS].append(correction)
    restore_times(Article, article.pk, record.times)
    made[PIECES][record.key] = article


def with_imported_pictures(record, made):
    """The piece's body naming its pictures by their numbers in this site, not the old one."""
    body = record.fields.get("body", "")
    # Each number has its picture: the folder was checked for that before anything was written.
    numbers = {number: made[IMAGES][image_key(number)].pk for number in record.pictures}
    return body_pictures.renumbered(body, numbers) if numbers else body


def create_issue(record, made, written, tag_slugs):
    issue = Issue(**record.fields, cover=made[IMAGES].get(record.refs[IMAGES]))
    issue.full_clean()
    if record.original:
        # Checked as an upload when the folder was read; stored, as an upload is, under a
        # generated name.
        with File(record.original.open("rb"), name=record.original.name) as edition:
            name = default_storage.save(edition_upload_to(issue, edition.name), edition)
            written.append(name)
            issue.pdf, issue.pdf_size = name, edition.size
    issue.save()
    restore_times(Issue, issue.pk, record.times)
    made[ISSUES][record.key] = issue


def create_series(record, made, written, tag_slugs):
    series = Series(**record.fields)
    series.full_clean()
    series.save()
    restore_times(Series, series.pk, record.times)
    made[SERIES][record.key] = series


def create_masthead(record, made, written, tag_slugs):
    for fields in record.positions:
        position = Position(
            contributor=made[CONTRIBUTORS][fields["contributor"]],
            title=fields["title"],
            order=fields["order"],
            year=record.fields["year"],
        )
        position.full_clean()
        position.save()
        made[MASTHEAD].append(position)


def tag_named(name, tags, tag_slugs):
    """The tag of this name, made with its exported slug if that is free."""
    if name not in tags:
        tag = Tag.objects.filter(name=name).first()
        if tag is None:
            slug = tag_slugs.get(name, "")
            # With no slug, taggit makes a free one from the name.
            free = slug and not Tag.objects.filter(slug=slug).exists()
            tag = Tag(name=name, slug=slug if free else "")
            tag.save()
        tags[name] = tag
    return tags[name]


def restore_times(model, pk, times):
    """Put back the times the models' saves set to now (auto_now), where the file gave them."""
    given = {name: moment for name, moment in times.items() if moment is not None}
    if given:
        model.objects.filter(pk=pk).update(**given)
