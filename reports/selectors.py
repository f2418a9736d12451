"""Reads of the reports app: a person sees only the own requests."""

from __future__ import annotations

from django.db.models import QuerySet

from members.models import Organization, OrganizationKind
from members.scoping import get_for_actor

from .models import ReportRequest, ReportStatus


def report_requests_for(*, actor, limit: int = 10) -> list[ReportRequest]:
    return list(
        ReportRequest.objects.for_actor(actor)
        .exclude(status=ReportStatus.EXPIRED)
        .select_related("organization")
        .order_by("-created_at", "-pk")[:limit]
    )


def report_request_get(*, actor, pk: int) -> ReportRequest:
    """The own request; anyone else's answers 404 (not even its existence is told)."""
    return get_for_actor(ReportRequest.objects.select_related("organization"), actor, pk=pk)


def organization_tree(*, actor) -> list[tuple[Organization, int]]:
    """The city, its zones and their units in tree order, with their depth (0, 1, 2)."""
    orgs: QuerySet[Organization] = Organization.objects.for_actor(actor).order_by("sort_order", "name")
    children: dict[int | None, list[Organization]] = {}
    for org in orgs:
        children.setdefault(org.parent_id, []).append(org)
    out: list[tuple[Organization, int]] = []

    def walk(parent_id, depth):
        for org in children.get(parent_id, []):
            out.append((org, depth))
            walk(org.pk, depth + 1)

    for root in [o for o in orgs if o.kind == OrganizationKind.CITY]:
        out.append((root, 0))
        walk(root.pk, 1)
    return out
