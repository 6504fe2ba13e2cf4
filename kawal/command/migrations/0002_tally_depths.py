# Tallies at two depths (district and regency). The tables are recreated empty: the
# post_migrate hook (apps.py) installs the new triggers and rebuilds every tally.

from django.db import migrations, models


def _tally(name: str, fields: list, index: str) -> migrations.CreateModel:
    return migrations.CreateModel(
        name=name,
        fields=[
            ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            ("area", models.CharField(max_length=8)),
            ("depth", models.PositiveSmallIntegerField()),
            *fields,
        ],
        options={"indexes": [models.Index(fields=["depth", "area"], name=index)]},
    )


class Migration(migrations.Migration):

    dependencies = [
        ("command", "0001_initial"),
    ]

    operations = [
        migrations.DeleteModel(name="AlertTally"),
        migrations.DeleteModel(name="BoxTally"),
        migrations.DeleteModel(name="EventTally"),
        migrations.DeleteModel(name="TpsTally"),
        _tally("AlertTally", [
            ("severity", models.CharField(max_length=8)),
            ("status", models.CharField(max_length=12)),
            ("alerts", models.IntegerField()),
        ], "alerttally_area"),
        _tally("BoxTally", [
            ("state", models.CharField(max_length=20)),
            ("stop", models.CharField(max_length=3)),
            ("boxes", models.IntegerField()),
        ], "boxtally_area"),
        _tally("EventTally", [
            ("kind", models.CharField(max_length=12)),
            ("hour", models.DateTimeField()),
            ("events", models.IntegerField()),
        ], "eventtally_area"),
        _tally("TpsTally", [
            ("tps", models.IntegerField()),
            ("voters", models.IntegerField()),
        ], "tpstally_area"),
    ]
