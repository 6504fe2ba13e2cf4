"""Ballot boxes and box-like items, their append-only custody events, alerts and checkpoints."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from kawal.territory.codes import REGENCY_LENGTH, regencies_of, regency_of
from kawal.territory.models import TPS

# Every ledger row carries its box's regency: the key that shards the ledger on Citus
# (docs/deploy.md, "National scale"), which the ledger's queries filter on.
REGENCY_LABEL = _("regency")


class BoxQuerySet(models.QuerySet):
    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> Any:
        objs = list(objs)
        for box in objs:
            box.regency = regency_of(box.code)
        return super().bulk_create(objs, *args, **kwargs)


class Box(models.Model):
    class Kind(models.TextChoices):
        BALLOT_BOX = "box", _("ballot box")
        LOT = "lot", _("warehouse lot")
        PACKAGE = "package", _("logistics package")

    class State(models.TextChoices):
        AT_KPU_WAREHOUSE = "at_kpu_warehouse", _("at the KPU warehouse")
        IN_TRANSIT = "in_transit", _("in transit")
        AT_PPK = "at_ppk", _("at the PPK")
        AT_PPS = "at_pps", _("at the PPS")
        AT_TPS = "at_tps", _("at the TPS")
        OPEN = "open", _("open for voting")
        SEALED = "sealed", _("sealed")
        RETURNING = "returning", _("returning")
        AT_PPK_RECAP = "at_ppk_recap", _("at the PPK for recap")
        AT_KPU = "at_kpu", _("at the KPU")

    # Like 35.10.01.2001-001-BUP.
    code = models.CharField(max_length=32, unique=True, verbose_name=_("code"))
    regency = models.CharField(max_length=REGENCY_LENGTH, editable=False, verbose_name=REGENCY_LABEL)
    kind = models.CharField(
        max_length=8, choices=Kind.choices, default=Kind.BALLOT_BOX, verbose_name=_("kind")
    )
    tps = models.ForeignKey(
        TPS,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="boxes",
        verbose_name=_("TPS"),
    )
    contest = models.CharField(max_length=3, blank=True, verbose_name=_("contest"))
    state = models.CharField(
        max_length=20,
        choices=State.choices,
        default=State.AT_KPU_WAREHOUSE,
        verbose_name=_("state"),
    )
    # The fold of the box's events (custody/states.py), kept here so an in-order append
    # continues from it instead of re-reading the history. All updated with each append.
    # The last place level reached.
    stop = models.CharField(max_length=3, default="kpu", verbose_name=_("last place level"))
    # Seals recorded at the last sealing.
    seals = models.JSONField(default=list, blank=True, verbose_name=_("seals"))
    # When the current leg is due.
    expected_by = models.DateTimeField(null=True, blank=True, verbose_name=_("expected by"))
    last_occurred_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("last occurred at")
    )
    # The head of the box's hash chain.
    head_seq = models.PositiveIntegerField(default=0, verbose_name=_("chain length"))
    head_hash = models.CharField(max_length=64, blank=True, verbose_name=_("chain head hash"))

    objects = BoxQuerySet.as_manager()

    class Meta:
        verbose_name = _("box")
        verbose_name_plural = _("boxes")
        ordering = ["code"]
        indexes = [models.Index(fields=["state", "expected_by"], name="box_state_due")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(regency=Substr("code", 1, REGENCY_LENGTH)),
                name="box_regency_is_its_code_prefix",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.regency = regency_of(self.code)
        super().save(*args, **kwargs)


def of_boxes(codes: Iterable[str]) -> models.Q:
    """The events or alerts of the boxes `codes`, looked for only in their regencies' shards
    and joined to their box on the shard key, as Citus needs (docs/deploy.md)."""
    codes = list(codes)
    return models.Q(
        regency__in=regencies_of(codes), box__regency=models.F("regency"), box__code__in=codes
    )


def with_events(regencies: set[str] | None) -> models.Prefetch:
    """Alerts' events read in a second query, in `regencies`' shards when they are known."""
    events = CustodyEvent.objects.all()
    if regencies is not None:
        events = events.filter(regency__in=regencies)
    return models.Prefetch("event", queryset=events)


def box_code(tps_code: str, contest: str) -> str:
    return f"{tps_code}-{contest}"


class AppendOnlyQuerySet(models.QuerySet):
    """Custody events are only ever appended: the ORM refuses to change or remove them."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionDenied("custody events are append-only: record a correction instead")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("custody events are append-only: record a correction instead")


class CustodyEvent(models.Model):
    class Kind(models.TextChoices):
        DEPARTED = "departed", _("departed")
        ARRIVED = "arrived", _("arrived")
        HANDED_OVER = "handed_over", _("handed over")
        OPENED = "opened", _("opened")
        SEALED = "sealed", _("sealed")
        SEAL_CHECKED = "seal_checked", _("seals checked")
        NOTE = "note", _("note")
        CORRECTION = "correction", _("correction")

    # Made by the device, so retries are idempotent.
    id = models.UUIDField(primary_key=True, verbose_name=_("ID"))
    # Found through one_event_per_chain_position (box, seq), whose first column it is: an
    # index of its own would only cost every insert.
    box = models.ForeignKey(
        Box, on_delete=models.PROTECT, related_name="events", db_index=False, verbose_name=_("box")
    )
    regency = models.CharField(max_length=REGENCY_LENGTH, verbose_name=REGENCY_LABEL)  # the box's
    # The event's position in the box's chain: the server's append order.
    seq = models.PositiveIntegerField(verbose_name=_("position in chain"))
    kind = models.CharField(max_length=12, choices=Kind.choices, verbose_name=_("kind"))
    occurred_at = models.DateTimeField(verbose_name=_("occurred at"))  # on the device
    received_at = models.DateTimeField(verbose_name=_("received at"))  # by the server
    place = models.CharField(max_length=32, verbose_name=_("place"))  # region or TPS code
    lat = models.FloatField(null=True, blank=True, verbose_name=_("latitude"))
    lng = models.FloatField(null=True, blank=True, verbose_name=_("longitude"))
    from_party = models.CharField(max_length=120, blank=True, verbose_name=_("from party"))
    to_party = models.CharField(max_length=120, blank=True, verbose_name=_("to party"))
    escorts = models.JSONField(default=list, blank=True, verbose_name=_("escorts"))  # member NRPs
    seals = models.JSONField(default=list, blank=True, verbose_name=_("seals"))
    document = models.CharField(max_length=80, blank=True, verbose_name=_("document"))  # BA no.
    note = models.TextField(blank=True, verbose_name=_("note"))
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="custody_events",
        verbose_name=_("recorded by"),
    )
    # The enrolled phone that signed the event, its signature (base64 r||s over the event as
    # the phone sent it) and, on a handover, the receivers' [{"device", "signature"}].
    # Empty on an unsigned event. Hashed into the chain when present.
    device = models.ForeignKey(
        "field.Device",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("signing device"),
    )
    signature = models.TextField(blank=True, verbose_name=_("signature"))
    cosignatures = models.JSONField(default=list, blank=True, verbose_name=_("co-signatures"))
    # The API token the event was sent with (a phone's own, or a user's); empty when it came
    # through a logged-in page. Hashed into the chain when present, so it can't be changed
    # unseen. Command, sector and admin read it on the timeline; observers never do.
    sent_with = models.ForeignKey(
        "accounts.ApiToken",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sent with token"),
    )
    prev_hash = models.CharField(max_length=64, verbose_name=_("previous hash"))
    hash = models.CharField(max_length=64, verbose_name=_("hash"))
    # Its place in the Merkle log of events and audit entries, in commit order (custody/log.py).
    position = models.PositiveBigIntegerField(unique=True, verbose_name=_("position in the log"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("custody event")
        verbose_name_plural = _("custody events")
        ordering = ["box", "seq"]
        constraints = [
            # Two writers can never fork a chain: a second event at the same position fails.
            models.UniqueConstraint(fields=["box", "seq"], name="one_event_per_chain_position"),
        ]

    def __str__(self) -> str:
        return f"{self.box_id}#{self.seq} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionDenied("custody events are append-only: record a correction instead")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("custody events are append-only: record a correction instead")


class Alert(models.Model):
    """What a custody rule found, stored as the rule and its parameters (custody/rules.py);
    `message` puts it in the reader's language (custody/alert_text.py)."""

    class Rule(models.TextChoices):
        ESCORT = "escort", _("escort missing")
        SEAL_MISMATCH = "seal_mismatch", _("seals differ")
        SKIPPED_LEG = "skipped_leg", _("leg skipped")
        PLACE = "place", _("wrong place")
        OVERDUE = "overdue", _("overdue")
        NOT_SEALED = "not_sealed", _("not sealed")
        # A correction raises its own alert for a person to decide (custody/judging.py).
        CORRECTION = "correction", _("correction to check")
        # An escort the approved deployment plan doesn't put on the box (custody/planned.py).
        ESCORT_NOT_IN_PLAN = "escort_not_in_plan", _("escort not in the plan")
        MISSING_GPS = "missing_gps", _("no GPS fix")

    class Severity(models.TextChoices):
        INFO = "info", _("info")
        WARNING = "warning", _("warning")
        CRITICAL = "critical", _("critical")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        RESOLVED = "resolved", _("resolved")
        # Closed by the ledger, not by a person: late events showed an order-dependent
        # warning no longer holds. Its note keeps why; a person may still resolve it.
        LAPSED = "lapsed", _("lapsed")

    box = models.ForeignKey(
        Box, on_delete=models.PROTECT, related_name="alerts", verbose_name=_("box")
    )
    regency = models.CharField(max_length=REGENCY_LENGTH, verbose_name=REGENCY_LABEL)  # the box's
    event = models.ForeignKey(
        CustodyEvent,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alerts",
        verbose_name=_("event"),
    )
    rule = models.CharField(max_length=20, choices=Rule.choices, verbose_name=_("rule"))
    severity = models.CharField(max_length=8, choices=Severity.choices, verbose_name=_("severity"))
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.OPEN, verbose_name=_("status")
    )
    # What the rule found: seals, places…
    params = models.JSONField(default=dict, blank=True, verbose_name=_("parameters"))
    note = models.TextField(blank=True, verbose_name=_("note"))
    raised_at = models.DateTimeField(verbose_name=_("raised at"))
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(null=True, blank=True, verbose_name=_("handled at"))

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["status", "box"], name="alert_status_box")]

    def __str__(self) -> str:
        return f"{self.box_id} {self.rule} {self.status}"

    @property
    def message(self) -> str:
        # alert_text reads this module's labels, so it is imported when first needed.
        from kawal.custody.alert_text import message

        return message(self.rule, self.params)

    @property
    def note_lines(self) -> list[str]:
        from kawal.custody.alert_text import note_lines

        return note_lines(self.note)


class Checkpoint(models.Model):
    """A signed tree head of the Merkle log (custody/log.py): its size and root hash at a
    time, signed with the operation's Ed25519 key (custody/signing.py). Its digest,
    SIZE:ROOT, goes into the rakor minutes; `kawal verify --against DIGEST` holds the
    ledger to it."""

    # The time it signs, to the second.
    created_at = models.DateTimeField(verbose_name=_("created at"))
    # Leaves: events and audit entries.
    size = models.PositiveBigIntegerField(verbose_name=_("size"))
    root = models.CharField(max_length=64, db_index=True, verbose_name=_("root"))  # hex
    # The signed note: what is printed and put in the QR code.
    signed = models.TextField(verbose_name=_("signed note"))
    # The public key that signed it, base64.
    key = models.CharField(max_length=44, verbose_name=_("public key"))
    # The leaf hashes it added to the one before it (positions size - len/32 to size), so
    # that a later check can name the first leaf that changed; and the roots of the tree's
    # perfect subtrees, from which the next checkpoint extends it.
    leaves = models.BinaryField(verbose_name=_("leaves"))
    frontier = models.JSONField(verbose_name=_("frontier"))
    reason = models.CharField(max_length=80, verbose_name=_("reason"))

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["-size", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.digest[:24]}"

    @property
    def digest(self) -> str:
        return f"{self.size}:{self.root}"
