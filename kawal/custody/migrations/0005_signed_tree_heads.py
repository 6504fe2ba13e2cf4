# Checkpoints become signed tree heads of the Merkle log. A checkpoint of the old kind (one
# digest over the chains' heads) can't be checked as a tree head, so they are dropped.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("custody", "0004_log_positions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="custodyevent",
            name="position",
            field=models.PositiveBigIntegerField(unique=True),
        ),
        migrations.DeleteModel(name="Checkpoint"),
        migrations.CreateModel(
            name="Checkpoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField()),
                ("size", models.PositiveBigIntegerField()),
                ("root", models.CharField(db_index=True, max_length=64)),
                ("signed", models.TextField()),
                ("key", models.CharField(max_length=44)),
                ("leaves", models.BinaryField()),
                ("frontier", models.JSONField()),
                ("reason", models.CharField(max_length=80)),
            ],
            options={"ordering": ["-size", "-id"]},
        ),
    ]
