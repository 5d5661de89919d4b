from django.db import migrations, models


class Migration(migrations.Migration):
    """Where each piece is public, for forgetting pages precisely (articles/derived.py).

    Pieces already here get None ("assume every list", on their first change); pieces made from
    now on start with [] (not public yet).
    """

    dependencies = [
        ("articles", "0011_listing_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="public_footprint",
            field=models.JSONField(default=None, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="article",
            name="public_footprint",
            field=models.JSONField(default=list, editable=False, null=True),
        ),
    ]
