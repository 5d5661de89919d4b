"""Derived data in one place: worked out once per changed object per transaction, after commit.

Renditions are encoded once per upload, a piece's search row is written once per transaction,
nothing is worked out before the commit or for a rolled-back one, and the modules of articles/
import each other without a cycle.
"""

import ast
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from articles import derived, renditions, search
from articles.models import Article, Byline, Image, PendingWork, Rendition

from .factories import (
    admin_image_form,
    committed,
    jpeg_bytes,
    make_article,
    make_contributor,
    make_image,
    make_section,
)

pytestmark = pytest.mark.django_db
ARTICLES = Path(__file__).resolve().parent.parent / "articles"


@pytest.fixture
def encodes(monkeypatch):
    """Every rendition encoded, as (format, width, height)."""
    made = []
    encode = renditions.encode

    def counting(picture, format):
        made.append((format, picture.width, picture.height))
        return encode(picture, format)

    monkeypatch.setattr(renditions, "encode", counting)
    return made


@pytest.fixture
def index_writes(monkeypatch):
    """The pieces each write of the search index covered, one list per write."""
    writes = []
    index = search.index_articles

    def counting(ids=None, *args, **kwargs):
        writes.append(sorted(ids) if ids is not None else None)
        return index(ids, *args, **kwargs)

    monkeypatch.setattr(search, "index_articles", counting)
    return writes


def expected_renditions(width):
    # One per format for each width the shown picture is given, and the share card.
    return len(renditions.widths_for(width)) * len(renditions.FORMATS) + 1


def test_an_admin_upload_with_a_crop_encodes_each_rendition_once(
    client, editor, encodes, django_capture_on_commit_callbacks
):
    editor.is_superuser = True
    editor.save()
    client.force_login(editor)
    form = admin_image_form(
        600, 400, crop_left="0", crop_top="0", crop_right="500", crop_bottom="300"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/articles/image/add/", form)
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.crop_box == (0, 0, 500, 300)
    made = Rendition.objects.filter(image=image)
    # The picture is saved before its credit, in one transaction: it is still encoded once.
    assert len(encodes) == made.count() == expected_renditions(500)
    assert len(set(encodes)) == len(encodes)
    assert ("jpeg", 1200, 630) in encodes


def test_a_contributor_upload_with_a_crop_encodes_each_rendition_once(
    client, writer, encodes, django_capture_on_commit_callbacks
):
    client.force_login(writer)
    data = {
        "headline": "A piece with a picture",
        "body": "Words.",
        "section": make_section().pk,
        "picture": SimpleUploadedFile("p.jpg", jpeg_bytes(600, 400), content_type="image/jpeg"),
        "alt_text": "Students on the library steps",
        "credit_title": "Steps",
        "credit_creator": "Ada Okafor",
        "credit_license": "cc-by-4.0",
        "credit_changes": "unmodified",
        "crop_left": "0",
        "crop_top": "0",
        "crop_right": "400",
        "crop_bottom": "300",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/submit/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    image = Image.objects.get()
    assert image.crop_box == (0, 0, 400, 300)
    assert len(encodes) == Rendition.objects.count() == expected_renditions(400)
    assert len(set(encodes)) == len(encodes)


def test_a_crop_change_encodes_each_rendition_once_more(encodes):
    image = make_image(credit={"license": "cc-by-4.0"})
    before = len(encodes)
    assert before == expected_renditions(image.width)
    with committed(), transaction.atomic():
        image.crop_left, image.crop_top, image.crop_right, image.crop_bottom = (0, 0, 40, 30)
        image.save()
        image.credit.changes = "brightened"
        image.credit.save()
    assert len(encodes) - before == expected_renditions(40)


def test_saving_alt_text_alone_encodes_nothing(encodes):
    image = make_image()
    before = len(encodes)
    with committed():
        image.alt_text = "A better description"
        image.save(update_fields=["alt_text"])
    assert len(encodes) == before


def test_a_piece_with_bylines_and_tags_is_indexed_once_per_transaction(index_writes):
    section = make_section()
    writers = [make_contributor() for _ in range(3)]
    index_writes.clear()
    with committed(), transaction.atomic():
        article = Article.objects.create(
            headline="Floods on the Niger", slug="floods", body="Water.", section=section
        )
        for position, writer in enumerate(writers):
            Byline.objects.create(article=article, contributor=writer, position=position)
        article.tags.add("Mali", "Niger", "Sahel", "Climate", "Rivers")
        article.tags.remove("Climate")
        article.save()
    assert index_writes == [[article.pk]]
    # And the row holds what was committed: the bylines and the tags.
    article.status, article.published_at = Article.Status.PUBLISHED, article.created_at
    with committed():
        article.save()
    assert [hit.article.pk for hit in search.search(writers[2].name)] == [article.pk]
    assert [hit.article.pk for hit in search.search("Sahel")] == [article.pk]


def test_nothing_is_worked_out_before_the_commit(index_writes, encodes):
    section = make_section()
    index_writes.clear()
    with committed(), transaction.atomic():
        unsaved = Article.objects.create(
            headline="Not yet", slug="not-yet", body="Text.", section=section
        )
        image = Image(file=SimpleUploadedFile("p.jpg", jpeg_bytes()), alt_text="A picture")
        image.save()
        # Still inside the transaction: no index row, no rendition.
        assert index_writes == []
        assert encodes == []
        assert unsaved.pk
    assert index_writes == [[unsaved.pk]]


def test_a_rolled_back_transaction_works_nothing_out(index_writes, encodes):
    section = make_section()
    index_writes.clear()
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        Article.objects.create(headline="Gone", slug="gone", body="Text.", section=section)
        raise RuntimeError("the save fails")
    assert index_writes == []
    assert encodes == []


def test_a_savepoint_rolled_back_leaves_the_rest_of_the_transaction_worked_out(index_writes):
    section = make_section()
    index_writes.clear()
    with committed(), transaction.atomic():
        kept = Article.objects.create(headline="Kept", slug="kept", body="T.", section=section)
        with pytest.raises(RuntimeError), transaction.atomic():
            Article.objects.create(headline="Gone", slug="gone", body="T.", section=section)
            raise RuntimeError("the inner save fails")
    assert len(index_writes) == 1
    assert kept.pk in index_writes[0]


def test_deleting_a_piece_removes_it_from_the_index_after_commit():
    article = make_article(headline="A Piece About Rivers")
    assert [hit.article for hit in search.search("rivers")] == [article]
    with committed():
        article.delete()
    assert list(search.search("rivers")) == []


def test_every_model_a_reader_sees_is_in_the_one_registry():
    watched = {model.__name__ for _, model, _ in derived.WATCHED}
    assert watched >= {
        "Article",
        "Byline",
        "TaggedItem",
        "Tag",
        "Image",
        "ImageCredit",
        "Rendition",
        "Contributor",
        "Section",
    }


# The shape of the code: one module for derived work, and no import cycles.


def module_name(path):
    parts = path.relative_to(ARTICLES.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path, name, known):
    """The articles modules one module imports, at any depth of its code."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in known else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {module for module in found if module in known and module != name}


def import_graph():
    paths = {
        module_name(path): path for path in ARTICLES.rglob("*.py") if "migrations" not in path.parts
    }
    return {name: imports_of(path, name, paths) for name, path in paths.items()}


def reachable(graph, start):
    seen, todo = set(), [start]
    while todo:
        for module in graph[todo.pop()]:
            if module not in seen:
                seen.add(module)
                todo.append(module)
    return seen


def test_no_module_of_articles_imports_itself_through_others():
    graph = import_graph()
    cycles = sorted(name for name in graph if name in reachable(graph, name))
    assert cycles == []


def test_the_models_import_neither_search_nor_renditions_nor_derived_work():
    graph = import_graph()
    for name in [module for module in graph if module.startswith("articles.models")]:
        assert not reachable(graph, name) & {
            "articles.search",
            "articles.renditions",
            "articles.derived",
            "articles.pagecache",
            "articles.pagetags",
        }, name


def test_the_import_walk_sees_a_cycle_when_there_is_one(tmp_path):
    # The check above would pass on a walk that found nothing; this one must find a cycle.
    (tmp_path / "a.py").write_text("from . import b\n")
    (tmp_path / "b.py").write_text("def later():\n    from .a import thing\n")
    known = {"pkg.a", "pkg.b"}
    graph = {
        "pkg.a": imports_of(tmp_path / "a.py", "pkg.a", known),
        "pkg.b": imports_of(tmp_path / "b.py", "pkg.b", known),
    }
    assert "pkg.a" in reachable(graph, "pkg.a")


def test_the_admin_says_whether_a_pictures_renditions_are_made(client, editor):
    editor.is_superuser = True
    editor.save()
    client.force_login(editor)
    image = make_image()
    page = client.get(f"/admin/articles/image/{image.pk}/change/").content.decode()
    assert f"{image.width} px wide in AVIF, WebP and JPEG, and the share card" in page
    with committed():
        Rendition.objects.filter(image=image).delete()
    page = client.get(f"/admin/articles/image/{image.pk}/change/").content.decode()
    assert "None yet: pages show the original until they are made" in page


# A process that dies between a commit and its derived work leaves the work recorded.


def test_a_change_records_its_work_until_it_is_done():
    article = make_article(headline="Rivers in Spate")
    assert not PendingWork.objects.exists()
    with transaction.atomic():
        article.headline = "Rivers in Flood"
        article.save()
        assert list(PendingWork.objects.values_list("kind", "value")) == [("pieces", article.pk)]
    derived.discard_pending()


def test_work_left_by_a_process_that_died_after_the_commit_is_done_at_the_next_start(
    monkeypatch,
):
    article = make_article(headline="Rivers in Spate")
    # The process dies once the change is committed, before doing any of its work.
    monkeypatch.setattr(derived, "work_out", lambda changes: None)
    with committed():
        article.headline = "Rivers in Flood"
        article.save()
    monkeypatch.undo()
    assert list(search.search("flood")) == []
    assert PendingWork.objects.filter(kind="pieces", value=article.pk).exists()
    derived.catch_up()
    assert [hit.article.pk for hit in search.search("flood")] == [article.pk]
    assert not PendingWork.objects.exists()


def test_a_dead_workers_work_is_done_without_touching_a_live_ones():
    mine = PendingWork.objects.create(
        kind="pieces", value=make_article().pk, process=derived.this_process(pid=4242)
    )
    theirs = PendingWork.objects.create(
        kind="pieces", value=make_article().pk, process=derived.this_process(pid=4343)
    )
    derived.catch_up(pid=4242)
    assert not PendingWork.objects.filter(pk=mine.pk).exists()
    assert PendingWork.objects.filter(pk=theirs.pk).exists()


def test_pieces_loaded_in_bulk_are_indexed_and_their_listings_recorded():
    section = make_section()
    piece = Article.objects.bulk_create(
        [
            Article(
                headline="Loaded Without a Save",
                slug="loaded",
                body="Text about estuaries.",
                section=section,
                status=Article.Status.PUBLISHED,
                published_at=timezone.now(),
            )
        ]
    )[0]
    derived.loaded_in_bulk([piece.pk])
    piece.refresh_from_db()
    assert {"list", f"list-s{section.pk}"} <= set(piece.public_footprint)
    assert [hit.article.pk for hit in search.search("estuaries")] == [piece.pk]


def test_what_a_rolled_back_transaction_noted_is_dropped_when_the_next_request_begins(client):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_section()
        raise RuntimeError("the save fails")
    assert derived.pending().sections
    client.get("/robots.txt")
    assert not derived.pending()
