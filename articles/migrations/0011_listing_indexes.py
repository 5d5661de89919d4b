from django.db import migrations, models

# Tagged items by tag: django-taggit's own indexes start with the object, so a tag's page and
# the related pieces read every tagged item of every piece. The same SQL on SQLite and PostgreSQL.
TAGGED_BY_TAG = (
    "CREATE INDEX taggeditem_by_tag ON taggit_taggeditem (content_type_id, tag_id, object_id)"
)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_renditions_index"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="article", name="article_public_idx"),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["-published_at", "status"], name="article_newest_public_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["section", "-published_at"], name="article_section_newest_idx"
            ),
        ),
        migrations.RunSQL(TAGGED_BY_TAG, "DROP INDEX taggeditem_by_tag"),
    ]
