"""Tallies per district and per regency that keep the overview's cost flat at any scale.

Database triggers (installed by `tallies.install()` after every migrate and flush, apps.py,
on PostgreSQL and SQLite alike) append a delta row whenever a TPS, a box's state, a delivered
or sealed event (delivered_or_sealed.py), or an alert's status changes, whoever writes it:
the ledger's bulk statements, the ORM or an import. Inserts only, so concurrent writers never
wait on each other. Readers sum the deltas of the areas they show (kawal/command/status.py);
a background task folds them together now and then (`tallies.compact_if_grown()`) so the
tables stay small. Rows are never edited by hand.

Every change is tallied at two depths: under its district (`depth` 8, `area` 35.10.01) for
a regency's page, and under its regency (`depth` 5, `area` 35.10) for a province's or the
country's, which then sum about fifteen times fewer rows.
"""

from django.db import models


class Tally(models.Model):
    area = models.CharField(max_length=8)  # a kecamatan (35.10.01) or kabupaten (35.10) code
    depth = models.PositiveSmallIntegerField()  # the length of `area`: 8 or 5

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["depth", "area"], name="%(class)s_area")]


class TpsTally(Tally):
    tps = models.IntegerField()
    voters = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.area} {self.tps:+} TPS"


class BoxTally(Tally):
    state = models.CharField(max_length=20)
    stop = models.CharField(max_length=3)
    boxes = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.area} {self.state}/{self.stop} {self.boxes:+}"


class EventTally(Tally):
    """Boxes delivered to a TPS (arrived at a TPS) and sealed, per hour they happened."""

    kind = models.CharField(max_length=12)  # the custody event kind: arrived or sealed
    hour = models.DateTimeField()
    events = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.area} {self.kind} {self.hour:%Y-%m-%d %H}h {self.events:+}"


class AlertTally(Tally):
    severity = models.CharField(max_length=8)
    status = models.CharField(max_length=12)
    alerts = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.area} {self.severity}/{self.status} {self.alerts:+}"
