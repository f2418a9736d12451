"""The portal's one access record (PIPL, GB/T 35273): every full view of a sensitive field, every
export and every own-data download, written through ``record_access``.

Every app calls it (the arrows point toward ``members``). It never records a sensitive value: only
who, when, which action, a short label of what, the object's reference, the unit, the number of
rows and the address the request came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.utils import translation

from .models import AccessAction, AccessRecord, Organization

__all__ = [
    "AccessAction",
    "Counted",
    "describe_filters",
    "named",
    "record_access",
    "register_filter_label",
    "unit_name",
]

#: An ID number (17 digits and a digit or X) or a run of 12+ digits (a bank account) inside a text.
_SENSITIVE = re.compile(r"\d{17}[\dXx]|\d{12,}")


def redact(text: str) -> str:
    """Replace anything shaped like an ID number or a bank account with asterisks."""
    return _SENSITIVE.sub(lambda m: "*" * len(m.group()), text or "")


#: Query parameters of the pages' filters, as the access record names them (in the portal's language): the
#: label, and how to show a value (a dict of choices, or a function), by (app, key); app "" is the portal-wide
#: meaning (members' own). Apps add theirs with ``register_filter_label(..., app=...)`` from
#: ``AppConfig.ready()`` — the same key means different things in different apps (``status`` of a member, of a
#: registration, of a suggestion); an unknown key is kept as it is.
_FILTER_LABELS: dict[tuple[str, str], tuple[Any, Any]] = {}
_defaults_loaded = False
#: Not filters: paging, the file format, the order of the lines.
_NOT_FILTERS = {"page", "per_page", "format", "csrfmiddlewaretoken", "sort", "order"}


def register_filter_label(key: str, label, values=None, *, app: str = "") -> None:
    """How the access record names the query parameter ``key`` of an export of ``app`` (``values``:
    {value: label} or a function of the value)."""
    _FILTER_LABELS[(app, key)] = (label, values)


def named(model, field: str = "name"):
    """How to show a filter whose value is a row's id: by the row's ``field`` (a campaign by its name); an id
    that names no row is kept as it is."""

    def show(value: str) -> str:
        from .params import parse_int
        from .scoping import unscoped

        pk = parse_int(value)
        if pk is None:
            return value
        with unscoped("the access record names the row an export was filtered by"):
            return model._base_manager.filter(pk=pk).values_list(field, flat=True).first() or value

    return show


def unit_name(value: str) -> str:
    """A unit's id as the access record shows it: the unit's name."""
    return _unit_name(value)


def _unit_name(value: str) -> str:
    from .params import parse_int
    from .scoping import unscoped

    pk = parse_int(value)
    if pk is None:
        return value
    with unscoped("the access record names the unit an export was filtered by"):
        return Organization.objects.filter(pk=pk).values_list("name", flat=True).first() or value


def _section_name(value: str) -> str:
    from django.apps import apps

    try:
        return str(apps.get_app_config(value).verbose_name)
    except LookupError:
        return value


def _default_filter_labels() -> None:
    from django.utils.translation import gettext_lazy as _

    from .choices import EmploymentType, Gender, MemberStatus, PoliticalStatus

    defaults = {
        "q": (_("Search"), None),
        "unit": (_("Unit"), _unit_name),
        "organizer": (_("Organiser"), _unit_name),
        "gender": (_("Gender"), dict(Gender.choices)),
        "status": (_("Status"), dict(MemberStatus.choices)),
        "employment_type": (_("Employment type"), dict(EmploymentType.choices)),
        "political_status": (_("Political status"), dict(PoliticalStatus.choices)),
        "age": (_("Age"), {"u30": _("Under 30"), "60+": _("60 and over")}),
        "start": (_("From"), None),
        "end": (_("Until"), None),
        "date_from": (_("From"), None),
        "date_to": (_("Until"), None),
        "year": (_("Year"), None),
        "month": (_("Month"), None),
        "sort": (_("Sort"), None),
        "action": (_("Action"), dict(AccessAction.choices)),
        "app": (_("Section"), _section_name),
        "member": (_("Member"), None),
        "kind": (_("Kind"), None),
    }
    for key, (label, values) in defaults.items():
        _FILTER_LABELS.setdefault(("", key), (label, values))


def _show(key: str, value: str, app: str = "") -> tuple[str, str]:
    global _defaults_loaded  # noqa: PLW0603 - loaded once, at the first use (the choices need the apps)
    if not _defaults_loaded:
        _default_filter_labels()
        _defaults_loaded = True
    label, values = _FILTER_LABELS.get((app, key)) or _FILTER_LABELS.get(("", key), (key, None))
    if isinstance(values, dict):
        shown = values.get(value, value)
    elif callable(values):
        shown = values(value)
    else:
        shown = value
    return str(label), str(shown)


def describe_filters(params, app: str = "") -> str:
    """The filters of an export of ``app`` as ``label=value`` pairs in the portal's language (性别=女, not
    gender=F), empty ones, paging and ordering left out, redacted."""
    if params is None:
        return ""
    parts = []
    with translation.override(settings.LANGUAGE_CODE):
        for key in sorted(params.keys()):
            if key in _NOT_FILTERS:
                continue
            for value in params.getlist(key) if hasattr(params, "getlist") else [params[key]]:
                if value not in ("", None):
                    label, shown = _show(key, str(value)[:100], app)
                    parts.append(f"{label}={shown}")
    return redact("；".join(parts))[:500]


def _client_ip(request) -> str | None:
    """The client's real address (X-Forwarded-For from a trusted proxy only: nantong_union.client_ip)."""
    from nantong_union.client_ip import client_ip

    return client_ip(request) if request is not None else None


def _unit_id(unit, obj) -> int | None:
    if isinstance(unit, Organization):
        return unit.pk
    if isinstance(unit, int):
        return unit
    for attr in ("unit_id", "organization_id"):
        value = getattr(obj, attr, None)
        if isinstance(value, int):
            return value
    return None


def record_access(
    *,
    actor,
    action: str,
    what: str,
    rows: int = 0,
    obj: Any = None,
    unit: Organization | int | None = None,
    request=None,
    app: str = "",
    ref: str = "",
    filters: str | None = None,
) -> AccessRecord:
    """Record one access. ``obj`` (a model instance) gives the reference, the app and, through its
    ``unit_id``, the unit; ``request`` gives the IP address and, for exports, the filters (its GET)."""
    if action not in AccessAction.values:
        raise ValueError(f"unknown access action {action!r}")
    target_model, target_id = "", None
    if obj is not None and getattr(obj, "pk", None) is not None:
        target_model, target_id = obj._meta.label_lower, obj.pk
        app = app or obj._meta.app_label
    if filters is None:
        exported = request is not None and action == AccessAction.EXPORT
        filters = describe_filters(request.GET, app) if exported else ""
    with translation.override(settings.LANGUAGE_CODE):  # the record is kept in the portal's language
        what = str(what)
    subject = _subject_member_id(obj)
    record = AccessRecord(
        actor=actor,
        action=action,
        app=app or "members",
        what=redact(what)[:200],
        target_model=target_model,
        target_id=target_id,
        target_ref=redact(str(ref))[:100],
        unit_id=_unit_id(unit, obj),
        rows=max(int(rows or 0), 0),
        filters=redact(filters)[:500],
        ip_address=_client_ip(request),
        subject_member_id=subject,
    )
    if action == AccessAction.VIEW and target_id is not None:
        return _one_view_a_day(record)
    record.save()
    return record


def _subject_member_id(obj) -> int | None:
    """The member whose data ``obj`` is: the member itself, or the row's ``member`` (a file, a talk …)."""
    if obj is None:
        return None
    if obj._meta.label_lower == "members.member":
        return obj.pk
    value = getattr(obj, "member_id", None)
    return value if isinstance(value, int) else None


def _one_view_a_day(record: AccessRecord) -> AccessRecord:
    """A "view" is kept once per person, object and day (a page reloaded 19 times is one view): the unique
    constraint ``accessrecord_one_view_per_day`` holds it under concurrency."""
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    from .scoping import unscoped

    record.view_day = timezone.localdate()
    key = {
        "actor": record.actor,
        "action": AccessAction.VIEW,
        "target_model": record.target_model,
        "target_id": record.target_id,
        "view_day": record.view_day,
    }
    with unscoped("the access record looks for today's view of the same object by the same person"):
        existing = AccessRecord.objects.filter(**key).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                record.save()
        except IntegrityError:  # the same view written by a parallel request a moment ago
            return AccessRecord.objects.filter(**key).first() or record
    return record


class Counted:
    """Wraps an iterable of rows and counts those consumed (an export's row count, when it streams)."""

    def __init__(self, iterable: Iterable):
        self.iterable = iterable
        self.count = 0

    def __iter__(self) -> Iterator:
        for item in self.iterable:
            self.count += 1
            yield item
