"""`manage.py seed_demo`: fill an empty magazine with a demo issue and two demo accounts."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles import licenses, roles
from articles.demo import pictures
from articles.demo.content import CONTRIBUTORS, SECTIONS, load_pieces
from articles.models import Article, Byline, Contributor, Image, ImageCredit, Section

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


class Command(BaseCommand):
    help = (
        "Fill the magazine with demo sections, contributors, pieces and pictures, and create "
        "an editor and a contributor account. Safe to run again: nothing that exists is changed."
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
            body=piece.body,
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

    def _write_accounts(self):
        admin_url = LOCAL_SITE + reverse("admin:index")
        self.stdout.write("Demo accounts (a password changed since the first run is kept):")
        self.stdout.write(f"  Editor:      {EDITOR_USERNAME} / {EDITOR_PASSWORD}  ({admin_url})")
        self.stdout.write(f"  Contributor: {CONTRIBUTOR_USERNAME} / {CONTRIBUTOR_PASSWORD}")
