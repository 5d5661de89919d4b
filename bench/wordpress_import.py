"""How long `manage.py import_wordpress` takes, and how much memory: `make bench-import`.

A WordPress export of 10,000 posts by 500 authors with 2,000 pictures (small JPEGs in a media
folder) is generated, then imported into a throwaway SQLite site, in a process of its own whose
wall time and peak resident memory are measured; the time includes the work done after the
commit (search index, renditions of every picture). Then a 200 MB export is only read, both
passes, to show that the reading's memory stays bounded whatever the file's size.
A measurement to read, not a test: nothing here passes or fails.
"""

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
POSTS = int(os.environ.get("BENCH_IMPORT_POSTS", 10_000))
AUTHORS = int(os.environ.get("BENCH_IMPORT_AUTHORS", 500))
PICTURES = int(os.environ.get("BENCH_IMPORT_PICTURES", 2_000))
BIG_MEGABYTES = int(os.environ.get("BENCH_IMPORT_BIG_MB", 200))
TARGET_SECONDS, TARGET_MEGABYTES = 300, 500


def words(text):
    """The words of a space-separated list."""
    return text.split()


WORDS = words(
    "the union council budget river library students exam term campus theatre review vote "
    "hours money club society welfare weir fog morning editor letter spring fair bands stalls "
    "debate motion funding hardship quad players stage lights winter swans reeds boathouse"
)

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Bench Gazette</title><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>http://bench.example.org</wp:base_site_url>
<wp:base_blog_url>http://bench.example.org</wp:base_blog_url>
"""


def sentence(rng, n=14):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def paragraphs(rng, count):
    return "\n\n".join(" ".join(sentence(rng) for _ in range(4)) for _ in range(count))


def draw_pictures(folder, rng):
    folder.mkdir(parents=True)
    for n in range(PICTURES):
        colour = tuple(rng.randrange(256) for _ in range(3))
        Image.new("RGB", (320, 213), colour).save(folder / f"picture-{n}.jpg", quality=80)


def write_export(path, rng, *, posts, body_paragraphs, pictures=PICTURES):
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEAD)
        for a in range(AUTHORS):
            out.write(
                f"<wp:author><wp:author_login>author{a}</wp:author_login><wp:author_email>"
                f"author{a}@example.org</wp:author_email><wp:author_display_name>Author "
                f"Number {a}</wp:author_display_name></wp:author>\n"
            )
        for c in range(12):
            out.write(
                f"<wp:category><wp:category_nicename>cat{c}</wp:category_nicename>"
                f"<wp:cat_name>Category {c}</wp:cat_name></wp:category>\n"
            )
        for n in range(pictures):
            number = 100_000 + n
            out.write(
                f"<item><title>Picture {n}</title><wp:post_id>{number}</wp:post_id>"
                "<content:encoded><![CDATA[Source: https://photos.example.org/"
                f"{n}]]></content:encoded><excerpt:encoded><![CDATA[“Picture {n}” by "
                f"Photographer {n % 50} is licensed under CC BY 4.0]]></excerpt:encoded>"
                "<wp:status>inherit</wp:status><wp:post_type>attachment</wp:post_type>"
                f"<wp:post_parent>0</wp:post_parent><wp:postmeta><wp:meta_key>_wp_attached_file"
                f"</wp:meta_key><wp:meta_value>2024/01/picture-{n}.jpg</wp:meta_value>"
                "</wp:postmeta><wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>"
                f"<wp:meta_value>A plain picture, number {n}.</wp:meta_value></wp:postmeta>"
                "</item>\n"
            )
        for p in range(posts):
            body = paragraphs(rng, body_paragraphs)
            meta = ""
            if pictures and p % 5 == 0:
                picture = 100_000 + rng.randrange(pictures)
                meta = (
                    "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>"
                    f"{picture}</wp:meta_value></wp:postmeta>"
                )
                body += (
                    f'\n\n[caption id="attachment_{picture}"]<img class="wp-image-{picture}" '
                    'src="x.jpg" /> A caption[/caption]'
                )
            if pictures and p % 10 == 0:
                ids = ",".join(str(100_000 + rng.randrange(pictures)) for _ in range(3))
                body += f'\n\n[gallery ids="{ids}"]'
            author = rng.randrange(AUTHORS)
            coauthor = (
                f'<category domain="author" nicename="cap-author{(author + 1) % AUTHORS}">'
                f"author{(author + 1) % AUTHORS}</category>"
                if p % 4 == 0
                else ""
            )
            out.write(
                f"<item><title><![CDATA[Piece number {p}: {sentence(rng, 6)}]]></title>"
                f"<link>http://bench.example.org/2024/01/piece-{p}/</link>"
                f"<dc:creator>author{author}</dc:creator>"
                f"<content:encoded><![CDATA[{body}]]></content:encoded>"
                "<excerpt:encoded><![CDATA[]]></excerpt:encoded>"
                f"<wp:post_id>{p + 1}</wp:post_id>"
                "<wp:post_date_gmt>2024-01-15 09:00:00</wp:post_date_gmt>"
                f"<wp:post_name>piece-{p}</wp:post_name><wp:status>publish</wp:status>"
                "<wp:post_type>post</wp:post_type>"
                f'<category domain="category" nicename="cat{p % 12}">Category {p % 12}</category>'
                f'<category domain="post_tag" nicename="tag{p % 300}">tag {p % 300}</category>'
                f"{coauthor}{meta}</item>\n"
            )
        out.write("</channel></rss>\n")


def measured(command, env, errors):
    """Run a command; its wall time in seconds, peak resident memory in MB, and output."""
    started = time.perf_counter()
    with open(errors, "w") as stderr:
        child = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True
        )
        output = child.stdout.read()
        # wait4 gives this child's own resource use, its peak memory among it.
        _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if status:
        sys.exit(f"{' '.join(command)} failed:\n{output}\n{Path(errors).read_text()[-3000:]}")
    # ru_maxrss is in kilobytes on Linux.
    return seconds, usage.ru_maxrss / 1024, output


READ_ONLY = """
import sys
import django
django.setup()
from contextlib import nullcontext
from articles.wordpress import reading
export = reading.survey(sys.argv[1], nullcontext)
posts = sum(1 for _ in reading.posts(sys.argv[1]))
print(posts, "posts read")
"""


def main():
    rng = random.Random(15)
    python = str(ROOT / ".venv" / "bin" / "python")
    with tempfile.TemporaryDirectory(prefix="bench-import-") as work:
        work = Path(work)
        env = {**os.environ, "DEBUG": "1", "MAGAZINE_DATA_DIR": str(work / "data")}
        env["PYTHONPATH"] = str(ROOT)
        env.setdefault("DJANGO_SETTINGS_MODULE", "magazine.settings")
        print(f"Drawing {PICTURES:,} pictures and writing an export of {POSTS:,} posts…")
        draw_pictures(work / "uploads" / "2024" / "01", rng)
        export = work / "export.xml"
        write_export(export, rng, posts=POSTS, body_paragraphs=6)
        size = export.stat().st_size / 1024 / 1024
        subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        command = [python, "manage.py", "import_wordpress", str(export), "--media"]
        seconds, megabytes, output = measured(
            [*command, str(work / "uploads")], env, work / "import.log"
        )
        print(output.splitlines()[1] if output else "")
        print(
            f"Import of {POSTS:,} posts, {AUTHORS} authors, {PICTURES:,} pictures "
            f"({size:.0f} MB export), on {os.cpu_count()} cores:"
        )
        met = "met" if seconds < TARGET_SECONDS else "missed"
        print(f"  time {seconds:.0f} s (target < {TARGET_SECONDS} s: {met})")
        met = "met" if megabytes < TARGET_MEGABYTES else "missed"
        print(f"  peak memory {megabytes:.0f} MB (target < {TARGET_MEGABYTES} MB: {met})")
        print(f"  rate {POSTS / seconds:.0f} posts/s, with their pictures and bylines")

        big = work / "big.xml"
        posts = max(1, BIG_MEGABYTES * 1024 * 1024 // 14_000)
        write_export(big, rng, posts=posts, body_paragraphs=36, pictures=0)
        size = big.stat().st_size / 1024 / 1024
        reader = [python, "-c", READ_ONLY, str(big)]
        seconds, megabytes, _ = measured(reader, env, work / "read.log")
        print(
            f"Reading a {size:.0f} MB export ({posts:,} posts), both passes: "
            f"{seconds:.0f} s, peak memory {megabytes:.0f} MB"
        )


if __name__ == "__main__":
    main()
