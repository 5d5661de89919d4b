"""A published piece keeps its old addresses: each one answers 301 with the piece's present one."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import workflow
from articles.models import Article
from articles.models.content import SlugHistory

from .factories import make_article, make_draft

pytestmark = pytest.mark.django_db


def rename(article, slug):
    article.slug = slug
    article.save()
    return article


def assert_moved(client, old, new):
    response = client.get(f"/articles/{old}/")
    assert response.status_code == 301, old
    assert response["Location"] == f"/articles/{new}/"


def test_the_old_address_of_a_renamed_published_piece_moves_permanently(client):
    rename(make_article(slug="first-thoughts"), "second-thoughts")
    assert_moved(client, "first-thoughts", "second-thoughts")
    assert client.get("/articles/second-thoughts/").status_code == 200


def test_every_old_address_in_a_chain_leads_to_the_present_one_in_one_hop(client):
    piece = make_article(slug="a-draft-title")
    rename(piece, "a-better-title")
    rename(piece, "the-final-title")
    assert_moved(client, "a-draft-title", "the-final-title")
    assert_moved(client, "a-better-title", "the-final-title")
    assert client.get("/articles/the-final-title/").status_code == 200


def test_a_piece_renamed_back_is_served_at_its_address_and_redirects_from_the_other(client):
    piece = make_article(slug="going-back")
    rename(piece, "going-forward")
    rename(piece, "going-back")
    assert client.get("/articles/going-back/").status_code == 200
    assert_moved(client, "going-forward", "going-back")


def test_a_public_piece_that_takes_an_old_address_over_wins(client):
    rename(make_article(slug="campus-news"), "campus-news-2025")
    newcomer = make_article(slug="campus-news", headline="The newcomer")
    response = client.get("/articles/campus-news/")
    assert response.status_code == 200
    assert response.context["article"] == newcomer


def test_an_address_left_by_two_pieces_leads_to_the_one_that_left_it_last(client):
    rename(make_article(slug="the-vote"), "the-vote-2024")
    later = make_article(slug="the-vote")
    rename(later, "the-vote-2025")
    assert_moved(client, "the-vote", "the-vote-2025")
    assert SlugHistory.objects.get(slug="the-vote").article == later


def test_an_old_address_of_a_piece_no_longer_public_is_not_found(client, editor):
    piece = rename(make_article(slug="pulled-piece"), "pulled-piece-revised")
    workflow.unpublish(piece, by=editor)
    assert client.get("/articles/pulled-piece/").status_code == 404
    assert client.get("/articles/pulled-piece-revised/").status_code == 404


def test_a_piece_renamed_while_unpublished_keeps_the_address_readers_knew(client, editor):
    piece = make_article(slug="back-again")
    workflow.unpublish(piece, by=editor)
    rename(Article.objects.get(pk=piece.pk), "back-again-corrected")
    workflow.publish(Article.objects.get(pk=piece.pk), by=editor)
    assert_moved(client, "back-again", "back-again-corrected")


def test_an_old_address_of_a_scheduled_piece_redirects_only_once_it_is_public(client):
    when = timezone.now() + timedelta(days=2)
    piece = make_article(slug="embargoed", status=Article.Status.SCHEDULED, published_at=when)
    rename(piece, "embargoed-renamed")
    assert client.get("/articles/embargoed/").status_code == 404
    Article.objects.filter(pk=piece.pk).update(published_at=timezone.now() - timedelta(hours=1))
    assert_moved(client, "embargoed", "embargoed-renamed")


def test_renaming_a_piece_never_published_keeps_no_old_address(client, writer):
    draft = make_draft(writer, slug="working-title")
    rename(draft, "real-title")
    assert not SlugHistory.objects.exists()
    assert client.get("/articles/working-title/").status_code == 404


def test_saving_a_piece_without_renaming_it_keeps_no_old_address():
    piece = make_article(slug="unchanged")
    piece.headline = "A new headline, the same address"
    piece.save()
    assert not SlugHistory.objects.exists()


def test_an_address_that_never_existed_gets_the_404_page(client):
    make_article(slug="real-piece")
    response = client.get("/articles/never-a-piece/")
    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode()


def test_reading_a_piece_at_its_present_address_never_looks_at_old_ones(client):
    piece = rename(make_article(slug="old-name"), "new-name")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(piece.get_absolute_url()).status_code == 200
    assert not [q for q in queries if SlugHistory._meta.db_table in q["sql"]]
