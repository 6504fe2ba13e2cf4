# Tallies churn: triggers append deltas and folding deletes them. On PostgreSQL let
# autovacuum clean them after a few thousand dead rows rather than a share of the table,
# so the index scans the overview runs stay short.

from django.db import migrations

TABLES = ("command_tpstally", "command_boxtally", "command_eventtally", "command_alerttally")


def _tune(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {table} SET (autovacuum_vacuum_scale_factor = 0, "
            "autovacuum_vacuum_threshold = 5000, autovacuum_analyze_scale_factor = 0, "
            "autovacuum_analyze_threshold = 5000)"
        )


def _untune(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {table} RESET (autovacuum_vacuum_scale_factor, "
            "autovacuum_vacuum_threshold, autovacuum_analyze_scale_factor, "
            "autovacuum_analyze_threshold)"
        )


class Migration(migrations.Migration):

    dependencies = [
        ("command", "0002_tally_depths"),
    ]

    operations = [migrations.RunPython(_tune, _untune)]
