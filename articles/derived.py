"""Work derived from content, in one place: renditions, the search index, and forgotten pages.

`WATCHED` below is the one registry of "when this changes, do that". While a transaction runs,
each change is only noted; once it commits, `flush` works out everything at once, so a picture
saved with its credit is encoded once, and a piece saved with its byline and tags is indexed
once. Nothing here runs inside a model's save() or while a reader's page is being made.

Which reader pages a change forgets is worked out in articles/footprints.py, from where each
piece was public before the change and is now.

Everything is read afresh from the database after the commit, so noting a change that was then
rolled back (a savepoint, or a whole transaction) costs a little work and changes nothing.
"""

import logging
import os
import socket
import threading
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.core.signals import request_started
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from taggit.models import Tag, TaggedItem

from . import body_pictures, footprints, pagetags, renditions, search
from .models import (
    Article,
    Byline,
    Contributor,
    Correction,
    HeldDocument,
    Image,
    ImageCredit,
    Issue,
    PendingUpload,
    PendingWork,
    Position,
    Rendition,
    Section,
    Series,
)

logger = logging.getLogger(__name__)


@dataclass
class Changes:
    """What one transaction changed that derived data depends on, by primary key."""

    pieces: set = field(default_factory=set)
    # Deleted pieces, with the listings they were public in (their row is gone after commit).
    gone_pieces: dict = field(default_factory=dict)
    # Pictures whose file, crop, focal point or licence changed: their renditions may be stale.
    to_render: set = field(default_factory=set)
    # Pictures some of whose renditions were deleted: their index must stop listing them.
    unlisted: set = field(default_factory=set)
    # Pictures whose alt text, caption, credit or renditions readers may see changed.
    pictures: set = field(default_factory=set)
    contributors: set = field(default_factory=set)
    sections: set = field(default_factory=set)
    # People whose masthead positions changed (added, edited, moved to someone else, removed).
    masthead: set = field(default_factory=set)
    tags: set = field(default_factory=set)
    # Print issues saved or deleted, with whether readers could see each before the change.
    issues: dict = field(default_factory=dict)
    # Pieces whose corrections or updates were added, edited or removed.
    corrections: set = field(default_factory=set)
    # Series saved or deleted (their title, address and description).
    series: set = field(default_factory=set)
    # Media files whose rows are deleted, removed once the deletion commits.
    files: set = field(default_factory=set)
    # The PendingWork rows that record these changes until their work is done.
    rows: list = field(default_factory=list)

    def __bool__(self):
        return any(value for name, value in vars(self).items() if name != "rows")

    def add(self, kind, value):
        """Add a change; False if it was noted already."""
        target = getattr(self, kind)
        if isinstance(target, dict):
            pk, footprint = value
            if pk in target:
                return False
            target[pk] = footprint
            return True
        if value in target:
            return False
        target.add(value)
        return True


_local = threading.local()


def pending():
    """The changes noted on this thread and not yet worked out."""
    if not hasattr(_local, "changes"):
        _local.changes = Changes()
    return _local.changes


def note(kind, value):
    """Note a change, and work everything out once the transaction it belongs to commits."""
    changes = pending()
    if changes.add(kind, value):
        # Recorded in the same transaction: should this process die after the commit and
        # before the work is done, the next start of the site does it (`catch_up`).
        row = PendingWork.objects.create(kind=kind, value=value, process=this_process())
        changes.rows.append(row.pk)
    # Registered with every change: a savepoint rolled back takes its own registrations with
    # it, and whichever registration survives finds everything noted. Only the first to run
    # has work left; in autocommit it runs at once.
    transaction.on_commit(flush, robust=True)


def discard_pending(**kwargs):
    """Drop what was noted in a transaction that was rolled back (as every test's is)."""
    _local.changes = Changes()


def flush():
    """Work out everything the committed changes imply, in the order pages depend on it."""
    changes = pending()
    if not changes:
        return
    _local.changes = Changes()
    work_out(changes)


def this_process(pid=None):
    return f"{socket.gethostname()}:{os.getpid() if pid is None else pid}"


def catch_up(pid=None):
    """Do the work of changes committed by a process of this host that died before doing it:
    the one with this id, or any (when no other runs, as the site starts)."""
    rows = PendingWork.objects.filter(process__startswith=f"{socket.gethostname()}:")
    if pid is not None:
        rows = rows.filter(process=this_process(pid))
    changes = Changes()
    for row in rows:
        value = tuple(row.value) if row.kind in ("gone_pieces", "issues") else row.value
        changes.add(row.kind, value)
        changes.rows.append(row.pk)
    if changes.rows:
        logger.warning("Doing the work of %d change(s) left undone.", len(changes.rows))
        work_out(changes)


def work_out(changes):
    """Everything the committed changes imply, in the order pages depend on it."""
    # The quick steps first, so that the index and the pages are right a moment after the
    # commit; renditions take seconds, and pages forget the pictures again once they are made.
    # Each step is kept from the others' failures: a picture that cannot be rendered still
    # leaves its piece indexed and the pages that show it forgotten (they show its original).
    for step in (delete_files, index_pieces, forget_pages, render_pictures):
        try:
            step(changes)
        except Exception:
            logger.exception("Could not finish %s after a commit.", step.__name__)
    PendingWork.objects.filter(pk__in=changes.rows).delete()


def delete_files(changes):
    for name in changes.files:
        default_storage.delete(name)


def render_pictures(changes):
    for image in Image.objects.filter(pk__in=changes.unlisted - changes.to_render):
        renditions.record_index(image, Rendition.objects.filter(image=image))
    rendered = set()
    for image in Image.objects.select_related("credit").filter(pk__in=changes.to_render):
        try:
            if renditions.ensure_renditions(image):
                rendered.add(image.pk)
        except Exception:
            # Pages show the original until `manage.py renditions` (run at every start) tries again.
            logger.exception("Could not make the renditions of picture %s.", image.pk)
    if rendered:
        pagetags.forget(footprints.pages_to_forget(Changes(pictures=rendered)))


def index_pieces(changes):
    # The index holds each byline's name and each tag's.
    named = Article.objects.filter(bylines__contributor__in=changes.contributors)
    tagged = Article.objects.filter(tags__in=changes.tags)
    pks = changes.pieces | set(named.values_list("pk", flat=True))
    pks |= set(tagged.values_list("pk", flat=True))
    search.index_articles(sorted(pks))


def forget_pages(changes):
    pagetags.forget(footprints.pages_to_forget(changes))
    if changes.pieces or changes.gone_pieces or changes.issues:
        # A piece scheduled, rescheduled or unscheduled moves the next time to look; so does
        # an issue published with a date to come, or its date moved.
        pagetags.schedule()


def loaded_in_bulk(pks):
    """Work out pieces written without their saves (bulk_create): record the pictures their
    bodies show, index them, record the listings they are public in, and forget every page,
    as a whole new magazine would."""
    pks = list(pks)
    body_pictures.record_in_bulk(pks)
    search.index_articles(pks)
    for start in range(0, len(pks), search.CHUNK_SIZE):
        footprints.pieces_tags(pks[start : start + search.CHUNK_SIZE])
    pagetags.forget({"all"})


# The registry: each signal below notes what its change means, and nothing more.


def article_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        note("pieces", instance.pk)


def article_deleted(sender, instance, **kwargs):
    note("gone_pieces", (instance.pk, instance.public_footprint))


def byline_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        note("pieces", instance.article_id)


def tagged_item_changed(sender, instance, raw=False, **kwargs):
    # The tagged-item table serves every model with tags; only pieces are ours.
    if not raw and instance.content_type.model_class() is Article:
        note("pieces", instance.object_id)


def tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse and isinstance(instance, Article):
        note("pieces", instance.pk)
    elif reverse:
        for pk in pk_set or ():
            note("pieces", pk)


def tag_saved(sender, instance, created, raw=False, **kwargs):
    # A new tag is on no piece yet; a renamed one is in the index entry of each piece it is on.
    if not (created or raw):
        note("tags", instance.pk)


def tag_deleting(sender, instance, **kwargs):
    # Once the tag is gone, nothing says which pieces carried it: they are noted now.
    for pk in Article.objects.filter(tags=instance).values_list("pk", flat=True):
        note("pieces", pk)


# Saving only these fields of a picture leaves its renditions as they are.
RENDERED_FIELDS = {"file", *Image.CROP_FIELDS, "focal_x", "focal_y"}


def image_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    if update_fields is None or RENDERED_FIELDS & set(update_fields):
        note("to_render", instance.pk)
    note("pictures", instance.pk)


def image_deleted(sender, instance, **kwargs):
    # Its renditions go by cascade; the original goes too, unless another row names the file.
    name = instance.file.name if instance.file else ""
    if name and not Image.objects.filter(file=name).exists():
        note("files", name)
    note("pictures", instance.pk)


def held_file_deleted(sender, instance, **kwargs):
    # A held picture that became a library picture was copied, and a held document read again;
    # its own file goes either way.
    if instance.file:
        note("files", instance.file.name)


def credit_changed(sender, instance, raw=False, **kwargs):
    # The licence decides whether the picture may be cropped, and how its share card is made.
    if not raw:
        note("to_render", instance.image_id)
        note("pictures", instance.image_id)


def rendition_deleted(sender, instance, **kwargs):
    if instance.file:
        note("files", instance.file.name)
    note("unlisted", instance.image_id)
    note("pictures", instance.image_id)


# Saving only these fields of a contributor changes nothing readers see.
UNSEEN_CONTRIBUTOR_FIELDS = {"access_ended_at"}


def contributor_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and set(update_fields) <= UNSEEN_CONTRIBUTOR_FIELDS):
        return
    note("contributors", instance.pk)


def contributor_deleted(sender, instance, **kwargs):
    note("contributors", instance.pk)


def section_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        note("sections", instance.pk)


def position_saving(sender, instance, raw=False, **kwargs):
    # Before the save, while the row still names whoever held it: their page listed it too.
    if raw:
        return
    if instance.pk:
        held_by = Position.objects.filter(pk=instance.pk).values_list("contributor_id", flat=True)
        for pk in held_by:
            note("masthead", pk)
    note("masthead", instance.contributor_id)


def position_deleted(sender, instance, **kwargs):
    note("masthead", instance.contributor_id)


def issue_saving(sender, instance, raw=False, **kwargs):
    # Read before the save, and noted after it: whether readers could see the issue until now
    # decides what its change forgets, and a replaced print edition's file is to go.
    if raw or instance.pk is None:
        return
    issues_before()[instance.pk] = (
        Issue.objects.public().filter(pk=instance.pk).exists(),
        Issue.objects.filter(pk=instance.pk).values_list("pdf", flat=True).first(),
    )


def issue_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    was_public, old_pdf = issues_before().pop(instance.pk, (False, ""))
    if old_pdf and old_pdf != instance.pdf.name:
        note("files", old_pdf)
    note("issues", (instance.pk, was_public))


def issue_deleted(sender, instance, **kwargs):
    if instance.pdf:
        note("files", instance.pdf.name)
    note("issues", (instance.pk, instance.is_public))


def issues_before():
    """What issues being saved on this thread were like before their save, by primary key."""
    if not hasattr(_local, "issues_before"):
        _local.issues_before = {}
    return _local.issues_before


def correction_changed(sender, instance, raw=False, **kwargs):
    # A removal is a save too: readers stop seeing it.
    if not raw:
        note("corrections", instance.article_id)


def series_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        note("series", instance.pk)


WATCHED = [
    (post_save, Article, article_saved),
    (post_delete, Article, article_deleted),
    (post_save, Byline, byline_changed),
    (post_delete, Byline, byline_changed),
    (post_save, TaggedItem, tagged_item_changed),
    (post_delete, TaggedItem, tagged_item_changed),
    (m2m_changed, Article.tags.through, tags_changed),
    (post_save, Tag, tag_saved),
    (pre_delete, Tag, tag_deleting),
    (post_save, Image, image_saved),
    (post_delete, Image, image_deleted),
    (post_save, ImageCredit, credit_changed),
    (post_delete, ImageCredit, credit_changed),
    (post_delete, Rendition, rendition_deleted),
    (post_delete, PendingUpload, held_file_deleted),
    (post_delete, HeldDocument, held_file_deleted),
    (post_save, Contributor, contributor_saved),
    (post_delete, Contributor, contributor_deleted),
    (post_save, Section, section_changed),
    (post_delete, Section, section_changed),
    (pre_save, Issue, issue_saving),
    (post_save, Issue, issue_saved),
    (post_delete, Issue, issue_deleted),
    (pre_save, Position, position_saving),
    (post_delete, Position, position_deleted),
    (post_save, Correction, correction_changed),
    (post_delete, Correction, correction_changed),
    (post_save, Series, series_changed),
    (post_delete, Series, series_changed),
]


def connect():
    """Connect the registry; proxies of a watched model (the credit audit, the review queue) too."""
    # What a request noted is worked out when it commits; anything left when the next request
    # begins belonged to a transaction that was rolled back.
    request_started.connect(discard_pending, dispatch_uid="derived:discard_pending")
    for signal, model, receiver in WATCHED:
        for sender in [model, *proxies_of(model)]:
            signal.connect(
                receiver, sender=sender, dispatch_uid=f"derived:{receiver.__name__}:{sender}"
            )


def proxies_of(model):
    from django.apps import apps

    return [
        other
        for other in apps.get_models()
        if other is not model and other._meta.proxy and other._meta.concrete_model is model
    ]
