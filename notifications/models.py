"""The in-app inbox: one row per notice to one person, sent once per key."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from members.scoping import ScopedManager, login_owned_rows


class Notification(models.Model):
    scope_path = "recipient"  # a login, not a unit: see scope_q
    scope_q = login_owned_rows("recipient")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=40)
    #: "kind:recipient:subject:date" (notifications.reminders.reminder_key), unique: the insert of the
    #: key is what sends, so a retry, a redelivery or a second beat tick inserts nothing and sends nothing.
    key = models.CharField(max_length=200, unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(max_length=300, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """How a person wants to be told: in the portal only, or in the portal and by e-mail."""

    scope_path = "user"  # a login, not a unit: see scope_q
    scope_q = login_owned_rows("user")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    by_email = models.BooleanField(_("also by e-mail"), default=False)
    email = models.EmailField(_("e-mail address"), blank=True, help_text=_("Leave empty to use your account's."))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class ReminderRun(models.Model):
    """A reminder source's scan of one day, done: a second run of the day skips it with one query instead
    of scanning every member again (issue #23). Written in the same transaction as the source's notices."""

    scope_exempt = "the daily scan's own bookkeeping: which source ran on which day, no unit's or person's data"

    day = models.DateField(_("day"))
    source = models.CharField(_("reminder source"), max_length=60)
    sent = models.PositiveIntegerField(_("reminders sent"), default=0)
    finished_at = models.DateTimeField(_("finished at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder scan")
        verbose_name_plural = _("reminder scans")
        constraints = [models.UniqueConstraint(fields=["day", "source"], name="reminder_run_once_a_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.source}"
