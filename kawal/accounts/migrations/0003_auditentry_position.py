# The audit log joins the custody events in one Merkle log (custody/log.py). Added empty;
# custody's 0004_log_positions numbers the existing entries, and 0004 here requires it.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_alter_rolegrant_role"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="position",
            field=models.PositiveBigIntegerField(null=True),
        ),
    ]
