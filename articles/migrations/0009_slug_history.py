"""Old addresses of published pieces, so that a changed slug answers with a redirect."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_search_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="SlugHistory",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("slug", models.SlugField(max_length=200, unique=True)),
                (
                    "created_at",
                    models.DateTimeField(
                        auto_now_add=True, help_text="When the piece left this address."
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="old_slugs",
                        to="articles.article",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "slug history",
                "ordering": ["-created_at", "-id"],
            },
        ),
    ]
