"""The members' sheets of the yearly report: the roster summary by unit, and committees and their terms.

Each reads with a fixed number of aggregate queries (counted per ``unit_id``), whatever the number
of members; Python only walks the units.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import CURRENT_STATUSES, EmploymentType, MemberStatus
from .models import ChangeKind, Committee, CommitteePost, Member, MembershipChange, OrganizationKind, Post
from .workbook import Col, SheetWriter, report_units

LEAVING = (ChangeKind.WITHDRAW, ChangeKind.EXPEL, ChangeKind.DECEASE, ChangeKind.TRANSFER_OUT)


def _zone(unit) -> str:
    return unit.parent.name if unit.parent and unit.parent.kind == OrganizationKind.ZONE else ""


def _units(*, actor, organization):
    return list(
        report_units(actor=actor, organization=organization)
        .select_related("parent")
        .order_by("parent__sort_order", "parent__name", "sort_order", "name")
    )


def roster_sheet(writer: SheetWriter, *, actor, year: int, organization) -> None:
    """Per unit: current members by status, gender and employment type; joined and left in the year."""
    units = _units(actor=actor, organization=organization)
    ids = [u.pk for u in units]
    current = Q(status__in=CURRENT_STATUSES)
    counts = {
        row["unit_id"]: row
        for row in Member.objects.for_actor(actor)
        .filter(unit_id__in=ids)
        .values("unit_id")
        .annotate(
            current=Count("pk", filter=current),
            active=Count("pk", filter=Q(status=MemberStatus.ACTIVE)),
            retained=Count("pk", filter=Q(status=MemberStatus.RETAINED)),
            women=Count("pk", filter=current & Q(gender="F")),
            established=Count("pk", filter=current & Q(employment_type=EmploymentType.ESTABLISHED)),
            contract=Count("pk", filter=current & Q(employment_type=EmploymentType.CONTRACT)),
            agency=Count("pk", filter=current & Q(employment_type=EmploymentType.AGENCY)),
            joined=Count("pk", filter=Q(join_date__year=year)),
        )
        .order_by()
    }
    left = dict(
        MembershipChange.objects.for_actor(actor)
        .filter(on__year=year, kind__in=LEAVING, member__unit_id__in=ids)
        .values_list("member__unit_id")
        .annotate(n=Count("member_id", distinct=True))
        .order_by()
    )
    writer.columns(
        [
            Col(_("Liaison zone"), 14),
            Col(_("Unit"), 24),
            Col(_("Current members"), 10, "count", True),
            Col(_("Active"), 9, "count", True),
            Col(_("Retained (retired)"), 11, "count", True),
            Col(_("Women members"), 9, "count", True),
            Col(_("Established staff"), 9, "count", True),
            Col(_("Non-establishment / contract"), 11, "count", True),
            Col(_("Agency (labour dispatch)"), 11, "count", True),
            Col(_("Joined in the year"), 10, "count", True),
            Col(_("Left in the year"), 10, "count", True),
        ]
    )
    keys = ("current", "active", "retained", "women", "established", "contract", "agency", "joined")
    for unit in units:
        row = counts.get(unit.pk, {})
        writer.row([_zone(unit), unit.name, *(row.get(k, 0) for k in keys), left.get(unit.pk, 0)])
    writer.totals(_("Total (%(n)s units)") % {"n": len(units)})


def committees_sheet(writer: SheetWriter, *, actor, year: int, organization) -> None:
    """Per unit: the committee's term, its chair and current posts, and whether the election is due."""
    today = timezone.localdate()
    units = _units(actor=actor, organization=organization)
    ids = [u.pk for u in units]
    committees = {c.unit_id: c for c in Committee.objects.for_actor(actor).filter(unit_id__in=ids)}
    members = dict(
        Member.objects.for_actor(actor)
        .filter(unit_id__in=ids, status__in=CURRENT_STATUSES)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    posts: dict[int, dict[str, int]] = {}
    for unit_id, post, n in (
        CommitteePost.objects.for_actor(actor)
        .filter(ended_on__isnull=True, committee__unit_id__in=ids)
        .values_list("committee__unit_id", "post")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        posts.setdefault(unit_id, {})[post] = n
    chairs = dict(
        CommitteePost.objects.for_actor(actor)
        .filter(ended_on__isnull=True, post=Post.CHAIR, committee__unit_id__in=ids)
        .values_list("committee__unit_id", "member__name")
    )
    writer.columns(
        [
            Col(_("Liaison zone"), 14),
            Col(_("Unit"), 24),
            Col(_("Current members"), 10, "count", True),
            Col(_("Term start"), 12, "date"),
            Col(_("Term (years)"), 8, "count"),
            Col(_("Term end"), 12, "date"),
            Col(_("Chair"), 10),
            Col(_("Committee members"), 10, "count", True),
            Col(_("Funds audit members"), 10, "count", True),
            Col(_("Women's committee members"), 10, "count", True),
            Col(_("Term status"), 16),
        ]
    )
    with_committee = due_in_year = 0
    for unit in units:
        committee = committees.get(unit.pk)
        held = posts.get(unit.pk, {})
        if committee is None:
            start = years = end = None
            status = _("No committee")
        else:
            with_committee += 1
            start, years, end = committee.term_start, committee.term_years, committee.term_end
            due_in_year += end.year == year
            if end < today:
                status = _("Election overdue")
            elif end <= today + timedelta(days=90):
                status = _("Election within 90 days")
            else:
                status = _("In term")
        writer.row(
            [
                _zone(unit),
                unit.name,
                members.get(unit.pk, 0),
                start,
                years,
                end,
                chairs.get(unit.pk, ""),
                held.get(Post.CHAIR, 0) + held.get(Post.VICE_CHAIR, 0) + held.get(Post.MEMBER, 0),
                held.get(Post.AUDIT, 0),
                held.get(Post.WOMEN, 0),
                status,
            ]
        )
    writer.totals(
        _("Total (%(n)s units)") % {"n": len(units)},
        {
            3: _("%(n)s committees") % {"n": with_committee},
            10: _("%(n)s terms end in %(year)s") % {"n": due_in_year, "year": year},
        },
    )
