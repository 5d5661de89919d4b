"""The magazine `make bench` measures: sections, contributors, tags, pictures and pieces.

Run as a child of bench/site.py, with the data folder and settings in its environment:
`python bench/seeding.py PIECES` tops the pieces up to PIECES, works out their derived data and
writes, into the data folder's bench/ folder, the addresses the load generator asks for. The
pieces are written with bulk_create, bypassing save(): their HTML is rendered here, once per
distinct body, and only the pictures go through the normal save, so that their renditions exist.
It prints what it did as one line of JSON.
"""

import io
import json
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ["World", "Politics", "Culture", "Science", "Opinion"]
CONTRIBUTORS = 500
TAGS = 200
PICTURES = 20
DISTINCT_BODIES = 40
# One piece in fifty is a draft and one in a hundred is scheduled for later, as on a real desk.
DRAFT_EVERY = 50
SCHEDULED_EVERY = 100
# The pieces wrk asks for are drawn from this many public ones, picked at random: few enough
# that every one is checked, and put in the page cache, before it is measured.
ARTICLES_LOADED = 500
# Words wrk searches for; each is in many seeded pieces, some in more than others.
SEARCH_WORDS = ["river", "election", "budget", "theatre", "drought", "laboratory"]


def words(text):
    """The words of a space-separated list."""
    return text.split()


FIRST = words(
    "Ada Bruno Chiara Dev Emeka Farah Gwen Hugo Ines Jonas Kemi Luca Mira Niamh Omar Pia "
    "Quentin Rosa Sami Tove Uma Vikram Wen Yusuf Zora"
)
LAST = words(
    "Adeyemi Brandt Castellanos Dube Eriksen Fofana Greco Haddad Ito Jansen Kowalski Lindqvist "
    "Mensah Novak Okafor Petrov Quispe Rahman Sato Tembo"
)
PLACES = words(
    "Bamako Lagos Nairobi Dakar Accra Lima Quito Manila Hanoi Tbilisi Yerevan Oslo Porto Lyon "
    "Leeds Cardiff Glasgow Belfast Galway Kraków Riga Tallinn Ghent Utrecht Bologna Seville "
    "Izmir Tunis Rabat Algiers Cairo Amman Beirut Dhaka Kathmandu Colombo Jakarta Suva Auckland "
    "Hobart"
)
SUBJECTS = [
    "Elections", "Budget", "Housing", "Rivers", "Drought", "Theatre", "Film", "Poetry",
    "Football", "Rowing", "Research", "Laboratories", "Climate", "Energy", "Transport",
    "Libraries", "Exams", "Tuition", "Protest", "Migration", "Farming", "Fisheries",
    "Museums", "Music", "Health", "Water", "Forests", "Cities", "Courts", "Media",
    "Language", "History", "Religion", "Technology", "Trade", "Tourism", "Labour", "Sport",
    "Food", "Art",
]  # fmt: skip
COMMON = words(
    "the of and to in a is that for it as was with be by on not this are or from at which but "
    "have an they were there been one all their has would when if so no will more can out up "
    "said what about into than them only other new some could time these two may first then do "
    "any like now over such our even most made after also did many before must through back "
    "years where much way well down should because each just those people how too little state "
    "good very make world still own see work long get here between both life being under never "
    "day same another know while last might great old year off come since against go came right"
)
TOPICAL = words(
    "students union election turnout budget council library hours exams timetable registry "
    "river water quality microplastics flood defences coastal cities solar power villages "
    "drought farming harvest rains film society season theatre review drama studio france mali "
    "sahel troops military coup junta mercenaries climate university lecturers strike housing "
    "rent tuition research laboratory chemistry ecology campaign candidates vote referendum "
    "policy minister parliament protest festival orchestra gallery exhibition novel poetry "
    "football rowing"
)
LICENCES = ["cc-by-4.0", "cc-by-sa-4.0", "cc-by-2.0", "cc-by-nc-nd-2.0", "cc-by-nc-sa-3.0"]
COLOURS = [
    ((62, 70, 82), (178, 160, 122)), ((236, 196, 132), (112, 70, 40)),
    ((126, 176, 196), (246, 206, 92)), ((16, 22, 44), (250, 204, 120)),
    ((170, 206, 214), (236, 86, 72)),
]  # fmt: skip
PICTURE_SIZE = (1200, 675)


def setup_django():
    """Load the magazine's settings from this process's environment, as gunicorn will."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "magazine.settings")
    import django

    django.setup()


def lists_folder():
    """The folder, inside the data folder, of the files the benchmark's processes share."""
    from django.conf import settings

    folder = Path(settings.DATA_DIR) / "bench"
    folder.mkdir(exist_ok=True)
    return folder


def zipf_weights(count):
    """Cumulative 1/rank weights: a few choices come up often, most of them rarely."""
    weights, total = [], 0.0
    for rank in range(1, count + 1):
        total += 1 / rank
        weights.append(total)
    return weights


def sentence(rng, topic):
    """Common words with two of the piece's topic words among them, as one sentence."""
    chosen = rng.choices(COMMON, k=rng.randint(9, 22))
    for word in rng.sample(topic, 2):
        chosen.insert(rng.randrange(len(chosen)), word)
    text = " ".join(chosen)
    return text[0].upper() + text[1:] + "."


def markdown_body(rng):
    """About 400 to 900 words of Markdown: paragraphs, a subheading, emphasis, a link, a quote."""
    topic = rng.sample(TOPICAL, 6)
    paragraphs = []
    for number in range(rng.randint(6, 10)):
        text = " ".join(sentence(rng, topic) for _ in range(rng.randint(3, 6)))
        if number == 2:
            text = text.replace(f" {topic[0]} ", f" *{topic[0]}* ", 1)
        if number == 3:
            text += f" See [the {topic[1]} report](https://example.org/reports/{topic[1]})."
        paragraphs.append(text)
    paragraphs.insert(4, f"## {topic[2].capitalize()} and {topic[3]}")
    paragraphs.insert(6, "> " + sentence(rng, topic))
    return "\n\n".join(paragraphs)


def picture_bytes(number):
    """A JPEG drawn with Pillow: two colours, a sun and some bands, different for each number."""
    from PIL import Image, ImageDraw

    rng = random.Random(number)
    sky, accent = COLOURS[number % len(COLOURS)]
    picture = Image.new("RGB", PICTURE_SIZE, sky)
    draw = ImageDraw.Draw(picture)
    width, height = PICTURE_SIZE
    for band in range(6):
        top = height // 2 + band * 50
        shade = tuple(max(0, c - 20 * band) for c in accent)
        draw.rectangle((0, top, width, top + 50), fill=shade)
    x, y = rng.randint(100, width - 300), rng.randint(40, height // 3)
    draw.ellipse((x, y, x + 180, y + 180), fill=tuple(255 - c for c in sky))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def seed_pictures():
    """PICTURES credited pictures, saved normally so that their renditions are made."""
    from django.core.files.base import ContentFile

    from articles.models import Image, ImageCredit

    pictures = []
    for number in range(PICTURES):
        image = Image(
            file=ContentFile(picture_bytes(number), name="picture.jpg"),
            alt_text=f"Coloured bands under a round sun, picture {number + 1}",
            caption=f"A view drawn for the benchmark, number {number + 1}.",
        )
        image.save()
        ImageCredit.objects.create(
            image=image,
            title=f"Bands and sun {number + 1}",
            creator=f"{FIRST[number]} {LAST[number]}",
            creator_url=f"https://example.org/people/{number + 1}",
            source_url=f"https://example.org/pictures/{number + 1}",
            license=LICENCES[number % len(LICENCES)],
        )
        pictures.append(image)
    return pictures


def seed_surroundings(rng):
    """Sections, contributors, tags and pictures: made once, before the first pieces."""
    from django.utils.text import slugify
    from taggit.models import Tag

    from articles.models import Contributor, Section

    Section.objects.bulk_create(
        Section(
            name=name,
            slug=name.lower(),
            position=position,
            description=f"Reporting and essays filed under {name.lower()}.",
        )
        for position, name in enumerate(SECTIONS)
    )
    names = [f"{first} {last}" for last in LAST for first in FIRST][:CONTRIBUTORS]
    Contributor.objects.bulk_create(
        Contributor(
            name=name,
            slug=slugify(name),
            role=rng.choice(["Contributor"] * 6 + ["Staff Writer", "Editor"]),
            bio=f"{name} writes about {rng.choice(SUBJECTS).lower()} for the magazine.",
        )
        for name in names
    )
    tag_names = PLACES + SUBJECTS
    tag_names += [f"{place} {subject}" for place in PLACES for subject in SUBJECTS]
    Tag.objects.bulk_create(Tag(name=name, slug=slugify(name)) for name in tag_names[:TAGS])
    seed_pictures()


def seed_pieces(total):
    """Top the pieces up to `total`, with bylines and tags, and return how many were added."""
    from django.utils import timezone
    from taggit.models import Tag

    from articles.models import Article, Contributor, Image, Section
    from articles.rendering import count_words, render_markdown

    start = Article.objects.count()
    rng = random.Random(2026 + start)
    bodies = []
    for _ in range(DISTINCT_BODIES):
        body = markdown_body(rng)
        html = render_markdown(body)
        bodies.append((body, html, count_words(html)))
    sections, pictures = list(Section.objects.all()), list(Image.objects.order_by("pk"))
    now = timezone.now()
    pieces = Article.objects.bulk_create(
        (new_piece(number, rng, now, bodies, sections, pictures) for number in range(start, total)),
        batch_size=500,
    )
    seed_bylines(pieces, list(Contributor.objects.order_by("pk")), rng)
    seed_tags(pieces, list(Tag.objects.order_by("pk")), rng)
    return len(pieces)


def new_piece(number, rng, now, bodies, sections, pictures):
    """Piece number `number`, unsaved: public mostly, now and then a draft or scheduled."""
    from django.utils.text import slugify

    from articles.models import Article

    body, html, word_count = rng.choice(bodies)
    topic = rng.sample(TOPICAL, 3)
    headline = f"{topic[0]} and {topic[1]}: {' '.join(rng.choices(COMMON, k=4))} {topic[2]}"
    status = Article.Status.PUBLISHED
    published_at = now - timedelta(minutes=rng.randint(60, 3 * 365 * 24 * 60))
    if number % DRAFT_EVERY == DRAFT_EVERY - 1:
        status, published_at = Article.Status.DRAFT, None
    elif number % SCHEDULED_EVERY == SCHEDULED_EVERY // 2:
        status, published_at = Article.Status.SCHEDULED, now + timedelta(days=rng.randint(7, 60))
    return Article(
        headline=headline.capitalize(),
        slug=f"{slugify(headline)[:60].strip('-')}-{number}",
        standfirst=sentence(rng, topic),
        body=body,
        body_html=html,
        word_count=word_count,
        section=rng.choice(sections),
        hero_image=rng.choice(pictures) if rng.random() < 0.75 else None,
        status=status,
        published_at=published_at,
    )


def seed_bylines(pieces, people, rng):
    """One name on most pieces, two on some; a few people write far more than the rest."""
    from articles.models import Byline

    weights = zipf_weights(len(people))
    Byline.objects.bulk_create(
        (
            Byline(article=piece, contributor=person, position=position)
            for piece in pieces
            for position, person in enumerate(
                dict.fromkeys(rng.choices(people, cum_weights=weights, k=rng.choice((1, 1, 1, 2))))
            )
        ),
        batch_size=1000,
    )


def seed_tags(pieces, tags, rng):
    """One to five tags a piece; a few tags are on many pieces, most on a few."""
    from django.contrib.contenttypes.models import ContentType
    from taggit.models import TaggedItem

    from articles.models import Article

    weights = zipf_weights(len(tags))
    piece_type = ContentType.objects.get_for_model(Article)
    TaggedItem.objects.bulk_create(
        (
            TaggedItem(content_type=piece_type, object_id=piece.pk, tag=tag)
            for piece in pieces
            for tag in dict.fromkeys(rng.choices(tags, cum_weights=weights, k=rng.randint(1, 5)))
        ),
        batch_size=1000,
    )


def public_paths():
    """The addresses wrk asks for: public pieces, every public tag and contributor, searches."""
    from django.contrib.contenttypes.models import ContentType
    from taggit.models import TaggedItem

    from articles import search
    from articles.models import Article, Contributor

    public = Article.objects.public()
    piece_type = ContentType.objects.get_for_model(Article)
    tagged = TaggedItem.objects.filter(content_type=piece_type, object_id__in=public.values("pk"))
    slugs = list(public.values_list("slug", flat=True))
    return {
        "articles": [
            f"/articles/{slug}/"
            for slug in random.Random(7).sample(slugs, min(ARTICLES_LOADED, len(slugs)))
        ],
        "tags": [
            f"/tags/{slug}/"
            for slug in tagged.values_list("tag__slug", flat=True).distinct().order_by("tag__slug")
        ],
        "contributors": [
            f"/contributors/{slug}/"
            for slug in Contributor.objects.filter(bylines__article__in=public)
            .values_list("slug", flat=True)
            .distinct()
            .order_by("slug")
        ],
        "search": [f"/search/?q={word}" for word in SEARCH_WORDS if len(search.search(word))],
    }


def sample_pages():
    """One page of each kind, chosen among the first pieces so it exists at every size."""
    from articles.models import Article

    # The piece with the most to show: a picture, two names in its byline, the most tags.
    piece = max(
        Article.objects.public()
        .filter(hero_image__isnull=False)
        .prefetch_related("tags", "bylines__contributor")
        .order_by("pk")[:100],
        key=lambda piece: (len(piece.bylines.all()), len(piece.tags.all()), -piece.pk),
    )
    return {
        "home": "/",
        "article": piece.get_absolute_url(),
        "section": piece.section.get_absolute_url(),
        "tag": f"/tags/{piece.tags.all()[0].slug}/",
        "contributor": piece.bylines.all()[0].contributor.get_absolute_url(),
        "contributors index": "/contributors/",
        "search": f"/search/?q={SEARCH_WORDS[0]}",
        "feed": "/feed/",
    }


def seed(total):
    """Top the magazine up to `total` pieces, work them out as derived data would be (index,
    listings), and write the paths wrk asks for."""
    from django.db import transaction

    from articles import derived
    from articles.models import Article, Section

    started = time.perf_counter()
    surroundings = 0.0
    with transaction.atomic():
        if not Section.objects.exists():
            seed_surroundings(random.Random(2026))
            surroundings = time.perf_counter() - started
        added = seed_pieces(total)
    seeded = time.perf_counter() - started
    began = time.perf_counter()
    # Written with bulk_create, the pieces had no saves to set off their derived work.
    derived.loaded_in_bulk(Article.objects.values_list("pk", flat=True))
    indexed = time.perf_counter() - began
    folder = lists_folder()
    for name, paths in public_paths().items():
        (folder / f"{name}.paths").write_text("\n".join(paths) + "\n")
    if not (folder / "sample.json").exists():
        (folder / "sample.json").write_text(json.dumps(sample_pages()))
    report = {
        "added": added,
        "pieces": Article.objects.count(),
        "public": Article.objects.public().count(),
        "seconds": seeded,
        "pictures_seconds": surroundings,
        "index_seconds": indexed,
    }
    print(json.dumps(report))


if __name__ == "__main__":
    setup_django()
    seed(int(sys.argv[1]))
