"""Roles over regions, API tokens and the audit log."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kawal.territory.models import Region


class Role(models.TextChoices):
    COMMAND = "command", _("command")
    SECTOR = "sector", _("sector")
    FIELD = "field", _("field")
    OBSERVER = "observer", _("observer")
    ADMIN = "admin", _("admin")


class RoleGrant(models.Model):
    """A user holds a role over a region code and everything below it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="grants",
        verbose_name=_("user"),
    )
    role = models.CharField(max_length=10, choices=Role.choices, verbose_name=_("role"))
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="grants", verbose_name=_("region")
    )

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "region"], name="one_grant_per_role_region"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} {self.region_id}"


def default_token_expiry() -> datetime:
    """When a token issued now stops working, unless its issuer says otherwise."""
    return timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)


class ApiToken(models.Model):
    """A device's bearer token. Only its SHA-256 is stored; the token is shown once.
    It works until it expires or is revoked (`kawal token revoke`, or the device's revocation)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="tokens",
        verbose_name=_("user"),
    )
    prefix = models.CharField(max_length=8, verbose_name=_("prefix"))
    digest = models.CharField(max_length=64, unique=True, verbose_name=_("digest"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last used at"))
    revoked = models.BooleanField(default=False, verbose_name=_("revoked"))
    expires_at = models.DateTimeField(default=default_token_expiry, verbose_name=_("expires at"))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, *, expires_at: datetime | None = None) -> tuple["ApiToken", str]:
        token = "kwl_" + secrets.token_urlsafe(32)
        row = cls.objects.create(
            user=user,
            prefix=token[:8],
            digest=cls.digest_of(token),
            expires_at=expires_at or default_token_expiry(),
        )
        return row, token


class AuditEntry(models.Model):
    """One action, by whom, to what (accounts/audit.py writes it). Appended only, and
    hash-chained in position order like a box's custody events."""

    at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("when"))
    # No constraint and nothing done when a user is deleted: the entry, and the hash over
    # the actor's id, stay as they were written.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(max_length=60, verbose_name=_("action"))
    target_type = models.CharField(max_length=60, blank=True, verbose_name=_("target type"))
    target_id = models.CharField(max_length=64, blank=True, verbose_name=_("target id"))
    details = models.JSONField(default=dict, blank=True, verbose_name=_("details"))
    # The region code the target lies in, if it has one: whose command staff see the entry.
    region = models.CharField(max_length=32, blank=True, db_index=True, verbose_name=_("region"))
    # Its place in the Merkle log of custody events and audit entries (custody/log.py).
    position = models.PositiveBigIntegerField(unique=True, verbose_name=_("position in the log"))
    # The chain: hash = sha256(prev_hash + canonical JSON of the entry), as custody/chain.py.
    prev_hash = models.CharField(max_length=64, verbose_name=_("previous hash"))
    hash = models.CharField(max_length=64, verbose_name=_("hash"))

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-position"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.action} {self.target_type}:{self.target_id}"
