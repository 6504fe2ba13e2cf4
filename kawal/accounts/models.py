"""Roles over regions, API tokens and the audit log."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
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
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="grants")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "region"], name="one_grant_per_role_region"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} {self.region_id}"


class ApiToken(models.Model):
    """A device's bearer token. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tokens"
    )
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User) -> tuple["ApiToken", str]:
        token = "kwl_" + secrets.token_urlsafe(32)
        row = cls.objects.create(user=user, prefix=token[:8], digest=cls.digest_of(token))
        return row, token


class AuditEntry(models.Model):
    """One write, by whom, to what. Appended only."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=60)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.target_type}:{self.target_id}"
