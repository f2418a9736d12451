"""A request for the yearly report workbook: who asked, for what, how far the build is, the file."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Organization
from members.scoping import ScopedManager, login_owned_rows


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


def _report_path(instance, filename):
    # Under MEDIA_ROOT, which is never served directly: only ReportDownloadView hands the file out.
    return f"reports/{filename}"


class ReportRequest(models.Model):
    """One yearly workbook, built by a Celery task and kept only for the person who asked, until it expires."""

    scope_path = "organization"
    scope_q = login_owned_rows("requested_by")  # only the person who asked sees the request and its file

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("requested by")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("liaison zone or unit"),
        help_text=_("Empty: the whole city."),
    )
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    file = models.FileField(_("file"), upload_to=_report_path, blank=True, max_length=200)
    filename = models.CharField(_("file name"), max_length=150, blank=True)
    rows = models.PositiveIntegerField(_("data rows"), default=0)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("available until"), null=True, blank=True, db_index=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("report request")
        verbose_name_plural = _("report requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "created_at"], name="reportrequest_user_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="reportrequest_progress_le_100"),
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.organization or '—'} · {self.get_status_display()}"

    @property
    def is_pending(self) -> bool:
        return self.status in (ReportStatus.QUEUED, ReportStatus.RUNNING)

    @property
    def is_expired(self) -> bool:
        return self.status == ReportStatus.EXPIRED or (
            self.expires_at is not None and self.expires_at <= timezone.now()
        )

    @property
    def is_downloadable(self) -> bool:
        return self.status == ReportStatus.DONE and bool(self.file) and not self.is_expired
