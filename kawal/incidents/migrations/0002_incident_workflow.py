"""Incidents get the contract's categories and severities, a device-made UUID as their id,
the report's details and a handling workflow. Existing rows keep their data: `kind` becomes
`category` with the same values, each row gets a fresh UUID, and a first 'reported' step."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
import django.utils.timezone


def fill_uuids(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    for pk in Incident.objects.values_list("pk", flat=True):
        Incident.objects.filter(pk=pk).update(uid=uuid.uuid4())


def first_steps(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    IncidentStep = apps.get_model("incidents", "IncidentStep")
    IncidentStep.objects.bulk_create(
        IncidentStep(
            incident_id=row["id"], action="report", status="reported", at=row["received_at"],
            actor_id=row["reported_by_id"],
        )
        for row in Incident.objects.values("id", "received_at", "reported_by_id")
    )
    Incident.objects.update(updated_at=models.F("received_at"))


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("incident", "kind", "category"),
        migrations.AlterField(
            model_name="incident",
            name="category",
            field=models.CharField(choices=[("crime", "crime"), ("violation", "violation"), ("disturbance", "disturbance"), ("natural_disaster", "natural disaster"), ("traffic_accident", "traffic accident"), ("protest", "protest (unjuk rasa)"), ("money_politics", "money politics"), ("intimidation", "intimidation"), ("logistics", "damaged or late logistics"), ("tps_disturbance", "disturbance at a TPS"), ("recap_disturbance", "disturbance at a recap venue (PPS, PPK, KPU)")], max_length=20),
        ),
        migrations.AlterField(
            model_name="incident",
            name="severity",
            field=models.CharField(choices=[("low", "low"), ("medium", "medium"), ("high", "high"), ("critical", "critical")], max_length=8),
        ),
        migrations.RenameField("incident", "created_at", "received_at"),
        migrations.AlterField(
            model_name="incident",
            name="received_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="incident",
            name="status",
            field=models.CharField(choices=[("reported", "reported"), ("handled", "handled"), ("closed", "closed")], default="reported", max_length=8),
        ),
        migrations.AddField(
            model_name="incident",
            name="updated_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="incident",
            name="people_involved",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="incident",
            name="actions_taken",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="incident",
            name="dead",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="incident",
            name="injured",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="incident",
            name="acknowledged_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="incident",
            name="acknowledged_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(fields=["updated_at"], name="incident_updated"),
        ),
        # The device's UUID becomes the id: add it, fill it, and let it replace the integer.
        migrations.AddField(
            model_name="incident",
            name="uid",
            field=models.UUIDField(null=True),
        ),
        migrations.RunPython(fill_uuids, migrations.RunPython.noop),
        migrations.RemoveField(model_name="incident", name="id"),
        migrations.RenameField("incident", "uid", "id"),
        migrations.AlterField(
            model_name="incident",
            name="id",
            field=models.UUIDField(default=uuid.uuid4, primary_key=True, serialize=False),
        ),
        migrations.CreateModel(
            name="IncidentStep",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("action", models.CharField(choices=[("report", "reported"), ("acknowledge", "acknowledged"), ("handle", "handled"), ("close", "closed"), ("reopen", "reopened")], max_length=12)),
                ("status", models.CharField(choices=[("reported", "reported"), ("handled", "handled"), ("closed", "closed")], max_length=8)),
                ("at", models.DateTimeField()),
                ("note", models.TextField(blank=True)),
                ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("incident", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="steps", to="incidents.incident")),
            ],
            options={
                "ordering": ("incident", "at", "id"),
            },
        ),
        migrations.RunPython(first_steps, migrations.RunPython.noop),
    ]
