from django.db import migrations, models


def index_existing_renditions(apps, schema_editor):
    """Fill each picture's index from the renditions already made, as renditions.py would."""
    Image = apps.get_model("articles", "Image")
    for image in Image.objects.prefetch_related("renditions").iterator(chunk_size=200):
        image.renditions_index = sorted(
            [r.kind, r.format, r.width, r.height, r.file.name] for r in image.renditions.all()
        )
        image.save(update_fields=["renditions_index"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_slug_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="image",
            name="renditions_index",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.RunPython(index_existing_renditions, migrations.RunPython.noop),
    ]
