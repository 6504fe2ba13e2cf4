# Every ledger row carries its box's regency (35.10 of 35.10.01.2001-001-BUP): the key that
# shards the ledger on Citus (docs/deploy.md, "National scale"). Rows stored before it get it
# from their box; the append-only triggers are put back after every migrate (apps.py).

import django.db.models.functions.text
from django.db import migrations, models

from kawal.custody import append_only

FILL = (
    "UPDATE custody_box SET regency = substr(code, 1, 5)",
    *(
        f"UPDATE {table} SET regency = (SELECT b.regency FROM custody_box b WHERE b.id = box_id)"
        for table in ("custody_custodyevent", "custody_alert")
    ),
)


def fill(apps, schema_editor):
    append_only.drop()  # events are append-only; this one rewrite adds a derived column
    with schema_editor.connection.cursor() as cursor:
        for sql in FILL:
            cursor.execute(sql)


def regency() -> models.CharField:
    return models.CharField(default="", max_length=5, verbose_name="regency")


class Migration(migrations.Migration):
    dependencies = [("custody", "0009_verbose_names")]

    operations = [
        migrations.AddField("box", "regency", regency(), preserve_default=False),
        migrations.AddField("custodyevent", "regency", regency(), preserve_default=False),
        migrations.AddField("alert", "regency", regency(), preserve_default=False),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            "box",
            "regency",
            models.CharField(editable=False, max_length=5, verbose_name="regency"),
        ),
        migrations.AddConstraint(
            "box",
            models.CheckConstraint(
                condition=models.Q(
                    ("regency", django.db.models.functions.text.Substr("code", 1, 5))
                ),
                name="box_regency_is_its_code_prefix",
            ),
        ),
    ]
