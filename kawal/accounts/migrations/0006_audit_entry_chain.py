# The audit log becomes a hash chain like a box's custody events (accounts/audit.py), with
# the region its target lies in, and keeps its actor's id when a user is deleted. The
# entries already written are chained here in log order; their leaves in the Merkle log do
# not change, so every checkpoint taken before still holds.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def chain_existing(apps, schema_editor):
    from kawal.custody import append_only, chain, log

    AuditEntry = apps.get_model("accounts", "AuditEntry")
    if not AuditEntry.objects.exists():
        return
    append_only.drop()  # put back after migrate (custody/apps.py)
    prev = chain.GENESIS
    rows = AuditEntry.objects.order_by("position").values("pk", *log.AUDIT_FIELDS)
    for row in list(rows):
        link = chain.linked(prev, log.audit_canonical(row))
        AuditEntry.objects.filter(pk=row["pk"]).update(prev_hash=prev, hash=link)
        prev = link


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_verbose_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="auditentry",
            options={
                "ordering": ["-position"],
                "verbose_name": "audit entry",
                "verbose_name_plural": "audit entries",
            },
        ),
        migrations.AddField(
            model_name="auditentry",
            name="region",
            field=models.CharField(blank=True, db_index=True, default="", max_length=32, verbose_name="region"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(default="", max_length=64, verbose_name="previous hash"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(default="", max_length=64, verbose_name="hash"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="when"),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="actor"),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
    ]
