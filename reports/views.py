"""The reports page: ask for the yearly workbook, watch it being built, download it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views import View

from members.scoping import require_city_admin

from . import selectors, services
from .forms import YearlyReportForm
from .models import ReportStatus


def _page(request, form, status=200):
    return render(
        request,
        "reports/home.html",
        {
            "form": form,
            "requests": selectors.report_requests_for(actor=request.user),
            "ttl": settings.REPORT_TTL_HOURS,
        },
        status=status,
    )


class ReportHomeView(View):
    def get(self, request):
        require_city_admin(request.user)
        return _page(request, YearlyReportForm(actor=request.user))

    def post(self, request):
        require_city_admin(request.user)
        form = YearlyReportForm(request.POST, actor=request.user)
        if not form.is_valid():
            messages.error(request, _("Please correct the errors below."))
            return _page(request, form, status=400)
        report, created = services.report_request_create(
            actor=request.user, year=form.cleaned_data["year"], organization=form.cleaned_data["organization"]
        )
        if created:
            message = _("The workbook is being prepared: the download link appears below when it is ready.")
        else:
            message = _("This workbook is already being prepared: the link appears below when it is ready.")
        messages.success(request, message)
        return redirect("reports:index")


def _status(report) -> dict:
    done = report.is_downloadable
    return {
        "id": report.pk,
        "status": ReportStatus.EXPIRED.value if report.is_expired else report.status,
        "label": str(ReportStatus.EXPIRED.label if report.is_expired else report.get_status_display()),
        "progress": report.progress,
        "error": report.error,
        "download_url": reverse("reports:download", args=[report.pk]) if done else None,
        "expires_at": formats.date_format(timezone.localtime(report.expires_at), "Y-m-d H:i") if done else None,
    }


class ReportStatusView(View):
    """Polled by htmx while a workbook is being built (the state fragment), or as JSON by a script."""

    def get(self, request, pk):
        require_city_admin(request.user)
        report = selectors.report_request_get(actor=request.user, pk=pk)
        if request.htmx:
            response = render(request, "reports/_state.html", {"r": report})
        else:
            response = JsonResponse(_status(report))
        response["Cache-Control"] = "no-store"
        return response


class ReportDownloadView(View):
    """The file, only for the person who asked (anyone else: 404) and only until it expires."""

    def get(self, request, pk):
        require_city_admin(request.user)
        report = selectors.report_request_get(actor=request.user, pk=pk)
        if report.is_expired:
            if report.status != ReportStatus.EXPIRED:
                services.report_expire(request=report)
            return render(request, "reports/expired.html", {"report": report}, status=410)
        if not report.is_downloadable:
            messages.info(request, _("This workbook is not ready yet."))
            return redirect("reports:index")
        handle = services.report_file_open(actor=request.user, report=report, request=request)
        response = FileResponse(handle, as_attachment=True, filename=report.filename)
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
