"""What the funds app adds to other pages (via members.registry): the navbar item, the member's own dues on
the member page, the member's own-data download."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .selectors import can_use_funds


def nav_visible(scope, user) -> bool:
    # Everyone with a member record sees the own dues; officers and auditors the funds pages.
    return bool(scope.member_id) or scope.is_officer or bool(scope.audit_org_ids)


def member_dues(request, member) -> dict | None:
    """The member's dues of the last twelve months: to the member and to those who manage the unit."""
    from members.scoping import can_manage, scope_for

    scope = scope_for(request.user)
    if scope.member_id != member.pk and not can_manage(request.user, member):
        return None
    payments = list(member.dues_payments.order_by("-month")[:12])
    return {"payments": payments, "can_funds": can_use_funds(request.user)}


def personal_rows(member) -> tuple[list, list[list]]:
    headers = [_("Month"), _("Dues paid (yuan)")]
    rows = [[f"{p.month:%Y-%m}", p.amount] for p in member.dues_payments.order_by("month")]
    return headers, rows
