"""Password rules a reviewer of a level-3 system (等保 2.0) expects, as Django password validators
(settings.AUTH_PASSWORD_VALIDATORS): three of the four character classes, none of the last N passwords.
Expiry (PASSWORD_MAX_AGE_DAYS) is checked by members.middleware.PasswordChangeRequiredMiddleware."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .scoping import unscoped


def _classes(password: str) -> int:
    return sum(
        (
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )


class CharacterClassesValidator:
    """At least ``min_classes`` of: upper-case letters, lower-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        if _classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _(
            "Your password must contain at least %(n)d of: upper-case letters, lower-case letters, digits, symbols."
        ) % {"n": self.min_classes}


class PasswordHistoryValidator:
    """Not one of the person's last ``count`` passwords. Django calls ``password_changed`` whenever a
    login's password is saved (``AbstractBaseUser.save``): the new hash is kept, the oldest dropped,
    and the date of the change recorded (the start of its expiry period)."""

    def __init__(self, count: int = 5):
        self.count = count

    def _hashes(self, user) -> list[str]:
        with unscoped("password history of the login being changed: the person's own rows"):
            return list(user.password_history.values_list("password", flat=True)[: self.count])

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None or self.count <= 0:
            return
        earlier = self._hashes(user)
        if user.password and user.password not in earlier:
            earlier.insert(0, user.password)  # the current one (a login made before the history existed)
        if any(check_password(password, encoded) for encoded in earlier[: self.count]):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def password_changed(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return
        from .models import PasswordHistory, User

        with unscoped("password history of the login being changed: the person's own rows"):
            PasswordHistory.objects.create(user=user, password=user.password)
            keep = list(user.password_history.values_list("pk", flat=True)[: max(self.count, 1)])
            user.password_history.exclude(pk__in=keep).delete()
        now = timezone.now()
        User.objects.filter(pk=user.pk).update(password_changed_at=now)
        user.password_changed_at = now

    def get_help_text(self) -> str:
        return ngettext(
            "Your password cannot be your last password.",
            "Your password cannot be one of your last %(n)d passwords.",
            self.count,
        ) % {"n": self.count}


def password_expired(user) -> bool:
    """Whether the person must choose a new password because the current one is too old."""
    days = getattr(settings, "PASSWORD_MAX_AGE_DAYS", 0)
    changed = user.password_changed_at or getattr(user, "date_joined", None)
    if not days or changed is None:
        return False
    return changed <= timezone.now() - timedelta(days=days)
