"""The search index: a weighted tsvector with a GIN index on PostgreSQL, an FTS5 table on SQLite.

Each database gets only its own structure, so both are made here by hand rather than declared
on the model (SQLite can create neither a GIN index nor a tsvector it can search).
"""

import django.contrib.postgres.search
from django.db import migrations

from articles.search import FTS_COLUMNS, FTS_TABLE, FTS_TOKENIZER, index_articles

GIN_INDEX = "article_search_vector_gin"


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {GIN_INDEX} ON articles_article USING GIN (search_vector)"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({', '.join(FTS_COLUMNS)}, "
            f"tokenize = '{FTS_TOKENIZER}')"
        )
    else:
        return
    # Pieces written before search existed are found from the start.
    index_articles(None, apps.get_model("articles", "Article"), schema_editor.connection.alias)


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0007_rendition"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create_index, drop_index),
    ]
