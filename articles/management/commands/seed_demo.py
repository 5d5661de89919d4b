"""`manage.py seed_demo`: fill an empty magazine with a demo issue and two demo accounts."""

import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles import licenses, roles
from articles.demo import magazine, pictures
from articles.demo.content import CONTRIBUTORS, SECTIONS, load_pieces
from articles.models import (
    Article,
    Byline,
    Contributor,
    Correction,
    Image,
    ImageCredit,
    Issue,
    Position,
    Section,
    Series,
)
from articles.pdfs import check_pdf

# Demo passwords are public by design: the command prints them, and they are only ever set
# on an account the command itself creates.
EDITOR_USERNAME = "editor"
EDITOR_EMAIL = "editor@example.org"
EDITOR_PASSWORD = "press-deadline-friday"
CONTRIBUTOR_USERNAME = "pipa"
CONTRIBUTOR_EMAIL = "pipa@example.org"
CONTRIBUTOR_PASSWORD = "notebook-and-pencil"
CONTRIBUTOR_SLUG = "pipa-powers"

LOCAL_SITE = "http://127.0.0.1:8000"

# A demo piece names the pictures of its body by name ("[[picture @sieve]]"); they are drawn
# when it is created and the names become their numbers.
BODY_PICTURE_NAME = re.compile(r"@([a-z][a-z0-9-]*)")


class Command(BaseCommand):
    help = (
        "Fill the magazine with demo sections, contributors, pieces and pictures, and create "
        "a print issue, two years of masthead, corrections and a series, and create an editor "
        "and a contributor account. Safe to run again: nothing that exists is changed."
    )

    def handle(self, *args, **options):
        # Read and check every file first, so that a mistake in one writes nothing at all.
        pieces = load_pieces()
        self._check(pieces)
        # Local time, so that a date in a front matter means that day where the magazine is.
        now = timezone.localtime()
        with transaction.atomic():
            sections = self._sections()
            contributors = self._contributors()
            editor, contributor_user = self._accounts(contributors[CONTRIBUTOR_SLUG])
            created = 0
            for piece in pieces:
                if Article.objects.filter(slug=piece.slug).exists():
                    continue
                self._create_piece(piece, now, sections, contributors, editor, contributor_user)
                created += 1
            self._magazine_objects(now, contributors, editor)
        present = len(pieces) - created
        self.stdout.write(f"Demo pieces: {created} created, {present} already present.")
        self._write_accounts()

    def _check(self, pieces):
        section_slugs = {slug for _, slug, _ in SECTIONS}
        contributor_names = {name for name, *_ in CONTRIBUTORS}
        statuses = set(Article.Status.values)
        for piece in pieces:
            problems = []
            if piece.section not in section_slugs:
                problems.append(f"unknown section {piece.section!r}")
            if piece.status not in statuses:
                problems.append(f"unknown status {piece.status!r}")
            problems += [
                f"unknown contributor {name!r}"
                for name, _ in piece.bylines
                if name not in contributor_names
            ]
            picture = piece.picture
            if picture:
                if picture.license not in licenses.LICENSES:
                    problems.append(f"unknown licence {picture.license!r}")
                if not picture.is_stand_in and picture.motif not in pictures.MOTIFS:
                    problems.append(f"unknown picture motif {picture.motif!r}")
                if picture.palette not in pictures.PALETTES:
                    problems.append(f"unknown palette {picture.palette!r}")
            problems += [
                f"unknown body picture @{name}"
                for name in BODY_PICTURE_NAME.findall(piece.body)
                if name not in {picture.name for picture in magazine.BODY_PICTURES}
            ]
            if problems:
                raise CommandError(f"Demo piece {piece.slug}: {'; '.join(problems)}.")

    def _sections(self):
        sections = {}
        for position, (name, slug, description) in enumerate(SECTIONS, start=1):
            # An editor may have made the section under another slug; reuse it rather than
            # fail on the unique name.
            section = (
                Section.objects.filter(slug=slug).first()
                or Section.objects.filter(name=name).first()
                or Section.objects.create(
                    name=name, slug=slug, description=description, position=position
                )
            )
            sections[slug] = section
        return sections

    def _contributors(self):
        contributors = {}
        for name, slug, role, bio in CONTRIBUTORS:
            contributor, _ = Contributor.objects.get_or_create(
                slug=slug, defaults={"name": name, "role": role, "bio": bio}
            )
            contributors[slug] = contributor
        return contributors

    def _accounts(self, contributor):
        User = get_user_model()
        editor = User.objects.filter(username=EDITOR_USERNAME).first()
        if editor is None:
            editor = User.objects.create_superuser(
                EDITOR_USERNAME,
                EDITOR_EMAIL,
                EDITOR_PASSWORD,
                first_name="Demo",
                last_name="Editor",
            )
        user = User.objects.filter(username=CONTRIBUTOR_USERNAME).first()
        if user is None:
            user = User.objects.create_user(
                CONTRIBUTOR_USERNAME,
                CONTRIBUTOR_EMAIL,
                CONTRIBUTOR_PASSWORD,
                first_name="Pipa",
                last_name="Powers",
            )
        # Only fill an empty link: an account an editor tied elsewhere stays where it is.
        if contributor.user_id is None and not Contributor.objects.filter(user=user).exists():
            contributor.user = user
            contributor.save(update_fields=["user"])
        editor.groups.add(Group.objects.get(name=roles.EDITORS))
        user.groups.add(Group.objects.get(name=roles.CONTRIBUTORS))
        return editor, user

    def _create_piece(self, piece, now, sections, contributors, editor, contributor_user):
        by_name = {contributor.name: contributor for contributor in contributors.values()}
        names = [name for name, _ in piece.bylines]
        author = contributor_user if contributors[CONTRIBUTOR_SLUG].name in names else editor
        article = Article(
            headline=piece.headline,
            slug=piece.slug,
            standfirst=piece.standfirst,
            content_warning=piece.content_warning,
            body=self._with_body_pictures(piece, editor),
            section=sections[piece.section],
            hero_image=self._create_image(piece, editor) if piece.picture else None,
            status=piece.status,
            published_at=piece.published_at(now),
            created_by=author,
        )
        article.save()
        article.tags.add(*piece.tags)
        for position, (name, role) in enumerate(piece.bylines):
            Byline.objects.create(
                article=article, contributor=by_name[name], role=role, position=position
            )
        return article

    def _create_image(self, piece, editor):
        picture = piece.picture
        creator = picture.creator or f"{settings.MAGAZINE_NAME} graphics desk"
        if picture.is_stand_in:
            data = pictures.stand_in(seed=piece.slug)
        else:
            data = pictures.illustration(picture.motif, picture.palette, seed=piece.slug)
        image = Image(
            file=ContentFile(data, name=f"{piece.slug}.jpg"),
            alt_text=picture.alt_text,
            caption=picture.caption,
            uploaded_by=editor,
        )
        image.save()
        ImageCredit.objects.create(
            image=image,
            title=picture.title,
            creator=creator,
            creator_url=picture.creator_url,
            source_url=picture.source_url,
            license=picture.license,
            changes=picture.changes,
        )
        return image

    def _with_body_pictures(self, piece, editor):
        """The piece's body with each picture it names drawn, credited, and named by number."""
        wanted = {picture.name: picture for picture in magazine.BODY_PICTURES}
        numbers = {}
        for name in dict.fromkeys(BODY_PICTURE_NAME.findall(piece.body)):
            picture = wanted[name]
            image = Image(
                file=ContentFile(
                    pictures.illustration(picture.motif, picture.palette, seed=name),
                    name=f"{name}.jpg",
                ),
                alt_text=picture.alt_text,
                caption=picture.caption,
                uploaded_by=editor,
            )
            image.save()
            self._staff_credit(image, picture.title)
            numbers[name] = str(image.pk)
        return BODY_PICTURE_NAME.sub(lambda match: numbers[match[1]], piece.body)

    def _staff_credit(self, image, title):
        return ImageCredit.objects.create(
            image=image,
            title=title,
            creator=f"{settings.MAGAZINE_NAME} graphics desk",
            license="staff",
            changes="unmodified",
        )

    def _magazine_objects(self, now, contributors, editor):
        """The print issue, the masthead, corrections and the series, each made once."""
        today = now.date()
        self._issue(today, editor)
        this_year = magazine.academic_year_of(today)
        for year, positions in (
            (this_year - 1, magazine.MASTHEAD_LAST_YEAR),
            (this_year, magazine.MASTHEAD_THIS_YEAR),
        ):
            for order, (slug, title) in enumerate(positions):
                Position.objects.get_or_create(
                    contributor=contributors[slug],
                    year=year,
                    title=title,
                    defaults={"order": order},
                )
        for slug, class_year in magazine.CLASS_YEARS.items():
            # Only an empty field is filled: an editor's or the student's own entry stays.
            Contributor.objects.filter(slug=slug, class_year=None).update(class_year=class_year)
        for slug, pronouns in magazine.PRONOUNS.items():
            Contributor.objects.filter(slug=slug, pronouns="").update(pronouns=pronouns)
        for slug, kind, days_after, text in magazine.CORRECTIONS:
            article = Article.objects.filter(slug=slug).first()
            if article is None or not article.is_public or article.corrections.exists():
                continue
            Correction.objects.create(
                article=article,
                kind=kind,
                text=text,
                published_at=min(now, article.published_at + timedelta(days=days_after)),
                created_by=editor,
            )
        series, _ = Series.objects.get_or_create(
            slug=magazine.SERIES_SLUG,
            defaults={"title": magazine.SERIES_TITLE, "description": magazine.SERIES_DESCRIPTION},
        )
        for position, slug in enumerate(magazine.SERIES_PARTS, start=1):
            for article in Article.objects.filter(slug=slug, series=None):
                article.series, article.series_position = series, position
                article.save()

    def _issue(self, today, editor):
        if Issue.objects.filter(
            volume=magazine.ISSUE_VOLUME, number=magazine.ISSUE_NUMBER
        ).exists():
            return
        date = magazine.issue_date(today)
        title = magazine.season_title(date)
        cover_bytes = magazine.cover(settings.MAGAZINE_NAME, title, seed=magazine.ISSUE_SLUG)
        cover = Image(
            file=ContentFile(cover_bytes, name="cover.jpg"),
            alt_text=f"The cover of {title}: the magazine's name above an illustration of "
            "ochre fields.",
            caption=f"The cover of Vol. {magazine.ISSUE_VOLUME}, No. {magazine.ISSUE_NUMBER}.",
            uploaded_by=editor,
        )
        cover.save()
        self._staff_credit(cover, f"Cover, {title}")
        pieces = {
            article.slug: article
            for article in Article.objects.filter(slug__in=magazine.ISSUE_CONTENTS, issue=None)
        }
        headlines = [pieces[slug].headline for slug in magazine.ISSUE_CONTENTS if slug in pieces]
        pdf = magazine.edition_pdf(cover_bytes, settings.MAGAZINE_NAME, title, headlines)
        upload = SimpleUploadedFile("edition.pdf", pdf, content_type="application/pdf")
        # The demo's edition passes the same checks as any editor's upload.
        check_pdf(upload)
        issue = Issue.objects.create(
            volume=magazine.ISSUE_VOLUME,
            number=magazine.ISSUE_NUMBER,
            title=title,
            slug=magazine.ISSUE_SLUG,
            date=date,
            published=True,
            cover=cover,
            introduction=magazine.ISSUE_INTRODUCTION,
            pdf=upload,
            pdf_size=len(pdf),
        )
        for position, slug in enumerate(magazine.ISSUE_CONTENTS, start=1):
            if slug in pieces:
                article = pieces[slug]
                article.issue, article.issue_position = issue, position
                article.save()

    def _write_accounts(self):
        admin_url = LOCAL_SITE + reverse("admin:index")
        self.stdout.write("Demo accounts (a password changed since the first run is kept):")
        self.stdout.write(f"  Editor:      {EDITOR_USERNAME} / {EDITOR_PASSWORD}  ({admin_url})")
        self.stdout.write(f"  Contributor: {CONTRIBUTOR_USERNAME} / {CONTRIBUTOR_PASSWORD}")
