"""Per-district tallies that keep the overview's cost flat however large the country.

Database triggers (created by this app's migrations, on PostgreSQL and SQLite alike) append
a delta row whenever a TPS, a box's state, a delivered or sealed event, or an alert's status
changes, whoever writes it: the ledger's bulk statements, the ORM or an import. Inserts
only, so concurrent writers never wait on each other. Readers sum the deltas of the
districts they show (kawal/command/tallies.py), which also folds them together now and
then so the tables stay small. Rows are never edited by hand.
"""

from django.db import models


class TpsTally(models.Model):
    district = models.CharField(max_length=8)  # the kecamatan code: 35.10.01
    tps = models.IntegerField()
    voters = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["district"], name="tpstally_district")]

    def __str__(self) -> str:
        return f"{self.district} {self.tps:+} TPS"


class BoxTally(models.Model):
    district = models.CharField(max_length=8)
    state = models.CharField(max_length=20)
    stop = models.CharField(max_length=3)
    boxes = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["district"], name="boxtally_district")]

    def __str__(self) -> str:
        return f"{self.district} {self.state}/{self.stop} {self.boxes:+}"


class EventTally(models.Model):
    """Boxes delivered to a TPS (arrived at a TPS) and sealed, per hour they happened."""

    district = models.CharField(max_length=8)
    kind = models.CharField(max_length=12)  # the custody event kind: arrived or sealed
    hour = models.DateTimeField()
    events = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["district"], name="eventtally_district")]

    def __str__(self) -> str:
        return f"{self.district} {self.kind} {self.hour:%Y-%m-%d %H}h {self.events:+}"


class AlertTally(models.Model):
    district = models.CharField(max_length=8)
    severity = models.CharField(max_length=8)
    status = models.CharField(max_length=12)
    alerts = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["district"], name="alerttally_district")]

    def __str__(self) -> str:
        return f"{self.district} {self.severity}/{self.status} {self.alerts:+}"
