# Every custody event and audit entry gets its place in the Merkle log (custody/log.py).
# Rows stored before the log are numbered in the order they arrived: events by the time the
# server received them (then box and seq), audit entries by their time (then id).

from django.db import migrations, models


def number(apps, schema_editor):
    CustodyEvent = apps.get_model("custody", "CustodyEvent")
    AuditEntry = apps.get_model("accounts", "AuditEntry")
    arrivals = [
        (received_at, 0, code, seq, pk)
        for pk, received_at, code, seq in CustodyEvent.objects.values_list(
            "pk", "received_at", "box__code", "seq"
        )
    ] + [(at, 1, "", pk, pk) for pk, at in AuditEntry.objects.values_list("pk", "at")]
    arrivals.sort(key=lambda a: a[:4])
    events, entries = [], []
    for position, (_, table, _, _, pk) in enumerate(arrivals):
        model = AuditEntry if table else CustodyEvent
        (entries if table else events).append(model(pk=pk, position=position))
    CustodyEvent.objects.bulk_update(events, ["position"], batch_size=2000)
    AuditEntry.objects.bulk_update(entries, ["position"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("custody", "0003_english_labels"),
        ("accounts", "0003_auditentry_position"),
    ]

    operations = [
        migrations.AddField(
            model_name="custodyevent",
            name="position",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.RunPython(number, migrations.RunPython.noop),
    ]
