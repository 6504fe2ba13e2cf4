"""Alerts keep their rule's parameters instead of an English sentence.

Each stored message is read back into the parameters the rule found (the sentences
custody/rules.py wrote until now); one that can't be read keeps its words as `text`.
"""

import re

from django.db import migrations, models

SENTENCES = (
    (re.compile(r"^departure without a Polri escort$"), lambda m: {"force": "polri"}),
    (re.compile(r"^departure without the required TNI escort$"), lambda m: {"force": "tni"}),
    (
        re.compile(r"^seals differ from sealing: (?:missing (?P<missing>[^;]*))?(?:; )?(?:unknown (?P<unknown>.*))?$"),
        lambda m: {
            "missing": m["missing"].split(", ") if m["missing"] else [],
            "unknown": m["unknown"].split(", ") if m["unknown"] else [],
        },
    ),
    (
        re.compile(r"^(?P<kind>\w+) at (?P<level>\w+) while the box is (?P<state>\w+): a step before it was not recorded$"),
        lambda m: {"kind": m["kind"], "level": m["level"].lower(), "state": m["state"]},
    ),
    (
        re.compile(r"^arrived at (?P<level>\w+) without passing the (?P<skipped>\w+)$"),
        lambda m: {"level": m["level"].lower(), "skipped": m["skipped"].lower()},
    ),
    (re.compile(r"^place (?P<place>\S+) is not on the box's route$"), lambda m: {"place": m["place"]}),
    (
        re.compile(r"^recorded (?P<km>[\d.]+) km from (?P<place>\S+) \(allowed (?P<allowed>[\d.]+) km\)$"),
        lambda m: {"place": m["place"], "km": float(m["km"]), "allowed": float(m["allowed"])},
    ),
    (
        re.compile(r"^correction of (?P<kind>\w+) (?P<event>[0-9a-f-]+): (?P<note>.*)$", re.DOTALL),
        lambda m: {"kind": m["kind"], "event": m["event"], "note": m["note"]},
    ),
)


def params_of(message):
    for pattern, read in SENTENCES:
        found = pattern.match(message)
        if found:
            return read(found)
    return {"text": message}


def read_messages(apps, schema_editor):
    Alert = apps.get_model("custody", "Alert")
    changed = []
    for alert in Alert.objects.only("id", "message").iterator(chunk_size=2000):
        alert.params = params_of(alert.message)
        changed.append(alert)
        if len(changed) == 2000:
            Alert.objects.bulk_update(changed, ["params"])
            changed = []
    Alert.objects.bulk_update(changed, ["params"])


def write_messages(apps, schema_editor):
    Alert = apps.get_model("custody", "Alert")
    for alert in Alert.objects.only("id", "rule", "params").iterator(chunk_size=2000):
        alert.message = alert.params.get("text", alert.rule)[:200]
        alert.save(update_fields=["message"])


class Migration(migrations.Migration):
    dependencies = [
        ("custody", "0007_merge_alert_lapsed"),
    ]

    operations = [
        migrations.AddField(
            model_name="alert",
            name="params",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(read_messages, write_messages),
        migrations.RemoveField(
            model_name="alert",
            name="message",
        ),
        migrations.AlterField(
            model_name="alert",
            name="rule",
            field=models.CharField(
                choices=[
                    ("escort", "escort missing"),
                    ("seal_mismatch", "seals differ"),
                    ("skipped_leg", "leg skipped"),
                    ("place", "wrong place"),
                    ("overdue", "overdue"),
                    ("not_sealed", "not sealed"),
                    ("correction", "correction to check"),
                ],
                max_length=20,
            ),
        ),
    ]
