"""Every read of organisations and members, scoped to the actor."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from . import countcache, idnumbers
from .choices import CURRENT_STATUSES, MemberStatus
from .models import AccessRecord, Member, MembershipChange, Organization
from .pinyin import search_key
from .scoping import get_for_actor, require_officer, require_perm, scope_for


def count_per_row(rows: QuerySet, link: str) -> Coalesce:
    """How many of ``rows`` point through ``link`` to the outer row, for an ``annotate()``: a subquery per row of
    the page, not a join and GROUP BY over every related row of every row the filters keep (issue #23)."""
    counted = rows.filter(**{link: OuterRef("pk")}).order_by().values(link).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


_CARD_OR_MOBILE = re.compile(r"^[A-Za-z0-9-]{2,20}$")
_HAN = re.compile(r"[\u3400-\u9fff]")
_LETTERS_ONLY = re.compile(r"^[A-Za-z][A-Za-z ]*$")


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class MemberFilters:
    q: str = ""
    unit_id: int | None = None
    status: str = ""
    employment_type: str = ""
    political_status: str = ""
    gender: str = ""
    #: (youngest, oldest) age in whole years on ``today``; either may be None.
    age_band: tuple[int | None, int | None] | None = None
    today: date | None = None

    def as_q(self) -> Q:
        q = Q()
        if self.q:
            q &= self._search_q(self.q)
        if self.age_band:
            youngest, oldest = self.age_band
            today = self.today or date.today()
            if youngest is not None:
                q &= Q(birth_date__lte=_years_before(today, youngest))
            if oldest is not None:
                q &= Q(birth_date__gt=_years_before(today, oldest + 1))
        for field in ("unit_id", "status", "employment_type", "political_status", "gender"):
            value = getattr(self, field)
            if value:
                q &= Q(**{field: value})
        return q

    @staticmethod
    def _search_q(term: str) -> Q:
        """The ways officers look people up, each on what it can use:

        - a full ID number (18 characters): its keyed hash (the number is never stored in clear);
        - Chinese characters: the name;
        - Latin letters: the name in pinyin ("zhangxiaoming", "xiaoming") or its initials ("zxm"), from
          the stored search keys ("zxm zhangxiaoming");
        - digits: part of a mobile number (3 digits or more) or a whole card number;
        - letters and digits: a whole card number (NT0000123), in either case.
        """
        term = term.strip()
        if len(term) == 18 and idnumbers.looks_like_id_number(term):
            return Q(id_number_hash=idnumbers.keyed_hash(idnumbers.normalize(term)))
        if _HAN.search(term):
            return Q(name__contains=term)
        if _LETTERS_ONLY.match(term):
            key = search_key(term)
            return Q(name_search__contains=key) if key else Q(pk__in=[])
        if term.isdigit():
            q = Q(card_number=term)
            if len(term) >= 3:
                q |= Q(mobile=term) if len(term) == 11 else Q(mobile__contains=term)
            return q
        if _CARD_OR_MOBILE.match(term):  # a card number is matched whole (its unique index), in any case
            return Q(card_number=term.upper()) | Q(card_number=term)
        return Q(name__contains=term)


#: The columns the member list shows (and the unit's name beside them): a page of 100 reads no more.
MEMBER_LIST_COLUMNS = (
    "pk",
    "name",
    "gender",
    "unit_id",
    "unit__name",
    "card_number",
    "id_number_masked",
    "employment_type",
    "join_date",
    "status",
)


def member_list(*, actor, filters: MemberFilters | None = None) -> QuerySet[Member]:
    filters = filters or MemberFilters()
    return Member.objects.for_actor(actor).filter(filters.as_q()).select_related("unit")


def member_get(*, actor, pk: int) -> Member:
    return get_for_actor(Member.objects.select_related("unit", "unit__parent"), actor, pk=pk)


def member_pending_transfer(*, member: Member) -> tuple[str, date] | None:
    """(receiving unit, date) of the member's transfer waiting to be accepted, if any (for the member's
    page, to those who manage the member)."""
    return member.transfer_requests.filter(state="pending").values_list("to_unit__name", "on").first()


def unit_list(*, actor) -> QuerySet[Organization]:
    """The units an officer reads; their member counts come from :func:`unit_member_counts` for one page."""
    return Organization.objects.for_actor(actor).units().select_related("parent")


def unit_member_counts(*, actor, unit_ids) -> dict[int, int]:
    """Current members of these units ({unit id: n}; a unit without any is left out): one grouped query
    over the given units' members (an index range, not the whole table), kept in the count cache until
    members or organisations change (members.countcache)."""
    if not unit_ids:  # an empty page (a filter that matches no unit): no query
        return {}
    rows = (
        Member.objects.for_actor(actor)
        .current()
        .filter(unit_id__in=sorted(unit_ids))
        .order_by()
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    return countcache.remembered(countcache.query_key(rows), lambda: dict(rows))


def unit_choices(*, actor, manage: bool = False) -> QuerySet[Organization]:
    """The units an actor may pick in a filter, or with ``manage`` in a form (no per-unit counting)."""
    return Organization.objects.for_actor(actor, manage=manage).units().order_by("sort_order", "name")


def unit_choice_list(*, actor, manage: bool = False) -> list[tuple[int, str]]:
    """``unit_choices`` as (id, name) pairs for a filter bar's select, kept with the actor's scope (issue #23: one
    query per page, through a server-side cursor, for a list that changes only with the scope or the tree)."""
    from .scopecache import kept_locally

    return kept_locally(
        actor,
        f"unit-choices:{manage}",
        lambda: [(o.pk, str(o)) for o in unit_choices(actor=actor, manage=manage).only("id", "name")],
    )


def organization_get(*, actor, pk: int) -> Organization:
    from django.http import Http404

    organization = Organization.objects.for_actor(actor).select_related("parent").filter(pk=pk).first()
    if organization is None:
        raise Http404
    return organization


def _per_request(actor, key, compute):
    """Compute once per actor object: the request's user, so the dashboard's panels share one scan of the
    member table instead of each counting the same 50,000 rows again."""
    memo = actor.__dict__.setdefault("_members_figures", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def unit_figures(*, actor, today: date) -> dict:
    """Headline figures of the members in the actor's scope and the figures of the dashboard's member charts
    (members.dashboard.chart_aggregates), in one aggregate query."""
    from .dashboard import chart_aggregates

    def compute() -> dict:
        current = Q(status__in=CURRENT_STATUSES)
        aggregates = {
            "active": Count("pk", filter=Q(status=MemberStatus.ACTIVE)),
            "retained": Count("pk", filter=Q(status=MemberStatus.RETAINED)),
            "women": Count("pk", filter=current & Q(gender="F")),
            "contract": Count("pk", filter=current & Q(employment_type__in=["contract", "agency"])),
            "birthdays_this_month": Count("pk", filter=current & Q(birth_date__month=today.month)),
        }
        aggregates |= {key: Count("pk", filter=current & condition) for key, condition in chart_aggregates(today)}
        figures = Member.objects.for_actor(actor).aggregate(**aggregates)
        scope = scope_for(actor)
        # The scope already holds the units an officer or zone lead reads: no query to count them.
        units = scope.read_units()
        figures["units"] = Organization.objects.units().count() if units is None else len(units)
        return figures

    # Kept in the count cache until members or organisations change (a scan of every member in scope: 0.6 s at a
    # million); the key holds the scope's SQL and the day (age bands, birthdays of the month).
    def kept() -> dict:
        key = countcache.query_key(Member.objects.for_actor(actor))
        return countcache.remembered(key and f"{key}:figures:{today.isoformat()}", compute)

    return _per_request(actor, ("figures", today), kept)


def current_members_by_unit(*, actor) -> dict[int, int]:
    """Current members per unit in the actor's scope ({unit id: n}), one grouped query per request."""

    def kept() -> dict[int, int]:  # like the list's counts: until members or organisations change
        rows = Member.objects.for_actor(actor).current().values_list("unit_id").annotate(n=Count("pk")).order_by()
        return countcache.remembered(countcache.query_key(rows), lambda: dict(rows))

    return _per_request(actor, "by_unit", kept)


def member_changes(*, actor, member: Member) -> QuerySet[MembershipChange]:
    """A member's lifecycle history (the member is already scope-checked by member_get)."""
    member_get(actor=actor, pk=member.pk)
    return member.changes.select_related("from_unit", "to_unit", "recorded_by").order_by("-on", "-pk")


def member_record_history(*, actor, member: Member, limit: int = 50):
    """Field-by-field changes of the record (django-simple-history), newest first."""
    member_get(actor=actor, pk=member.pk)
    records = list(member.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    out = []
    for newer, older in zip(records, records[1:], strict=False):
        delta = newer.diff_against(older, excluded_fields=["updated_at", "id_number_masked"])
        labels = [str(Member._meta.get_field(c.field).verbose_name) for c in delta.changes]
        out.append({"record": newer, "changes": labels})
    if len(records) <= limit and records:
        out.append({"record": records[-1], "changes": []})
    return out


@dataclass(frozen=True)
class AccessRecordFilters:
    q: str = ""
    action: str = ""
    app: str = ""
    unit_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    kind: str = ""  # the object's model label ("assistance.hardshipcase")
    member_id: int | None = None  # "who saw this person's data"

    def as_q(self) -> Q:
        q = Q()
        if self.kind:
            q &= Q(target_model=self.kind)
        if self.member_id:
            # records written before the subject was kept: a reveal names the member as its object
            q &= Q(subject_member_id=self.member_id) | Q(target_model="members.member", target_id=self.member_id)
        if self.q:
            q &= (
                Q(actor__username__icontains=self.q)
                | Q(actor__first_name__contains=self.q)
                | Q(actor__last_name__contains=self.q)
                | Q(actor__member__name__contains=self.q)
                | Q(what__icontains=self.q)
                | Q(target_ref__icontains=self.q)
            )
        if self.action:
            q &= Q(action=self.action)
        if self.app:
            q &= Q(app=self.app)
        if self.unit_id:
            q &= Q(unit_id=self.unit_id)
        if self.date_from:
            q &= Q(at__gte=_day_start(self.date_from))
        if self.date_to:
            q &= Q(at__lt=_day_start(self.date_to + timedelta(days=1)))
        return q


def _day_start(day: date):
    from datetime import datetime, time

    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time.min))


def access_record_list(*, actor, filters: AccessRecordFilters | None = None) -> QuerySet[AccessRecord]:
    """The portal's access record, newest first: the city administrators and the auditor read it all
    (others 403)."""
    require_records_reader(actor)
    require_perm(actor=actor, perm="members.view_accessrecord")
    filters = filters or AccessRecordFilters()
    return (
        AccessRecord.objects.for_actor(actor)
        .filter(filters.as_q())
        .select_related("actor", "actor__member", "unit")
        .order_by("-at", "-pk")
    )


#: The sections that write access records (the filter's choices).
ACCESS_RECORD_APPS = ("members", "activities", "assistance", "welfare", "voice", "reports")


def access_record_kinds() -> list[tuple[str, str]]:
    """The kinds of object the record names (the filter's choices): model label → its name in the portal's
    language, for every model of the sections that write records."""
    from django.apps import apps

    out = []
    for label in ACCESS_RECORD_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            if not model._meta.label_lower.split(".")[1].startswith("historical"):
                out.append((model._meta.label_lower, str(model._meta.verbose_name)))
    return out


def access_record_apps() -> list[tuple[str, str]]:
    from django.apps import apps

    out = []
    for label in ACCESS_RECORD_APPS:
        try:
            out.append((label, str(apps.get_app_config(label).verbose_name)))
        except LookupError:
            pass
    return out


# --- Committees and honours --------------------------------------------------------------------
@dataclass(frozen=True)
class CommitteeCheck:
    members: int
    women: int
    warnings: list[str]


def committee_get(*, actor, unit: Organization):
    from .models import Committee

    organization_get(actor=actor, pk=unit.pk)
    return Committee.objects.for_actor(actor).filter(unit=unit).first()


POST_RANK = {"chair": 0, "vice_chair": 1, "member": 2, "audit": 3, "women": 4}


def committee_posts(*, committee) -> list:
    """The current posts, chair first."""
    posts = committee.posts.filter(ended_on__isnull=True).select_related("member")
    return sorted(posts, key=lambda p: (POST_RANK.get(p.post, 9), p.elected_on, p.pk))


def committee_check(*, unit: Organization, committee, posts: list, today: date) -> CommitteeCheck:
    """The committee against the rules for grassroots unions: size by membership (3 or more from 25
    members, a chair from 10, a group leader below), the women workers' committee (25 women or more),
    the funds audit committee, and the term."""
    from django.utils.translation import gettext as _

    from .models import Post

    counts = unit.members.filter(status__in=CURRENT_STATUSES).aggregate(
        n=Count("pk"), women=Count("pk", filter=Q(gender="F"))
    )
    n, women = counts["n"], counts["women"]
    warnings: list[str] = []
    if committee is None:
        if n:
            warnings.append(_("No committee is recorded for this unit."))
        return CommitteeCheck(n, women, warnings)
    by_post: dict[str, int] = {}
    for p in posts:
        by_post[p.post] = by_post.get(p.post, 0) + 1
        if p.member.unit_id != unit.pk or p.member.status not in CURRENT_STATUSES:
            warnings.append(
                _("%(name)s holds a post but is no longer a current member here.") % {"name": p.member.name}
            )
    committee_size = by_post.get(Post.CHAIR, 0) + by_post.get(Post.VICE_CHAIR, 0) + by_post.get(Post.MEMBER, 0)
    if n >= 25 and committee_size < 3:
        warnings.append(
            _("With %(n)s members the unit needs a committee of at least 3; it has %(size)s.")
            % {"n": n, "size": committee_size}
        )
    elif n >= 10 and not by_post.get(Post.CHAIR):
        warnings.append(_("With %(n)s members the unit needs a chair.") % {"n": n})
    elif 0 < n < 10 and not by_post.get(Post.CHAIR):
        warnings.append(_("A union group of under 10 members needs a group leader (recorded as chair)."))
    if women >= 25 and by_post.get(Post.WOMEN, 0) < 3:
        warnings.append(
            _("With %(women)s women members the unit needs a women workers' committee (at least 3).") % {"women": women}
        )
    elif 0 < women < 25 and not by_post.get(Post.WOMEN):
        warnings.append(_("The unit needs a women's committee member."))
    if n and not by_post.get(Post.AUDIT):
        warnings.append(_("No funds audit committee member is recorded."))
    end = committee.term_end
    if end < today:
        warnings.append(_("The term ended on %(date)s: the election (换届) is overdue.") % {"date": end.isoformat()})
    elif (end - today).days <= 90:
        warnings.append(_("The term ends on %(date)s: prepare the election (换届).") % {"date": end.isoformat()})
    return CommitteeCheck(n, women, warnings)


def committees_due(*, actor, today: date, within_days: int | None = 90):
    """Committees of the units in scope, soonest election first; those due within ``within_days``."""
    from .models import Committee

    qs = Committee.objects.for_actor(actor).select_related("unit", "unit__parent")
    committees = sorted(qs, key=lambda c: (c.term_end, c.unit.name))
    if within_days is not None:
        from datetime import timedelta

        limit = today + timedelta(days=within_days)
        committees = [c for c in committees if c.term_end <= limit]
    return committees


def units_without_committee(*, actor):
    qs = Organization.objects.for_actor(actor).units().filter(committee__isnull=True, is_active=True)
    return qs.order_by("sort_order", "name")


def honour_list(*, actor, title: str = "", level: str = "", year: int | None = None, q: str = ""):
    from .models import Honour

    qs = Honour.objects.for_actor(actor).select_related("member", "member__unit")
    if title:
        qs = qs.filter(title=title)
    if level:
        qs = qs.filter(level=level)
    if year:
        qs = qs.filter(year=year)
    if q:
        qs = qs.filter(Q(member__name__contains=q) | Q(name__contains=q) | Q(member__card_number=q))
    return qs.order_by("-year", "member__unit__sort_order", "member__name", "pk")


# --- The records the auditor reads (三员分立) -----------------------------------------------------------
def require_records_reader(actor) -> None:
    """The access record, the membership history and the login log: city administrators and the
    security auditor; everyone else 403 (the pages' existence is no secret)."""
    from django.core.exceptions import PermissionDenied

    scope = scope_for(actor)
    if not (scope.is_city_admin or scope.is_auditor):
        raise PermissionDenied


@dataclass(frozen=True)
class RecordFilters:
    q: str = ""
    kind: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def dates(self, field: str) -> Q:
        q = Q()
        if self.date_from:
            q &= Q(**{f"{field}__gte": _day_start(self.date_from)})
        if self.date_to:
            q &= Q(**{f"{field}__lt": _day_start(self.date_to + timedelta(days=1))})
        return q


def login_log_list(*, actor, filters: RecordFilters | None = None):
    """The login log, newest first (auditor, city administrators)."""
    from .models import LoginEvent

    require_records_reader(actor)
    require_perm(actor=actor, perm="members.view_loginevent")
    filters = filters or RecordFilters()
    qs = LoginEvent.objects.for_actor(actor).filter(filters.dates("at"))
    if filters.q:
        qs = qs.filter(Q(username__icontains=filters.q) | Q(ip_address__startswith=filters.q))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return qs.select_related("by").order_by("-at", "-pk")


def membership_history_list(*, actor, filters: RecordFilters | None = None):
    """Every membership change of the city, newest first (auditor, city administrators): what the
    records themselves hold (name, card number, units, dates, who recorded it), nothing more."""
    require_records_reader(actor)
    require_perm(actor=actor, perm="members.view_membershipchange")
    filters = filters or RecordFilters()
    qs = MembershipChange.objects.for_actor(actor).filter(filters.dates("created_at"))
    if filters.q:
        qs = qs.filter(Q(member__name__contains=filters.q) | Q(member__card_number=filters.q))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return qs.select_related("member", "from_unit", "to_unit", "recorded_by").order_by("-created_at", "-pk")


# --- Transfers in two steps ----------------------------------------------------------------------------
def transfer_list(*, actor, direction: str = "in", state: str = "pending"):
    """Transfers into (``in``) or out of (``out``) the actor's units, or ``all`` (the city union sees all)."""
    from .models import TransferRequest

    require_officer(actor=actor)
    scope = scope_for(actor)
    qs = TransferRequest.objects.for_actor(actor)
    units = scope.read_units()
    if units is not None and direction in ("in", "out"):
        qs = qs.filter(to_unit__in=units) if direction == "in" else qs.filter(from_unit__in=units)
    if state:
        qs = qs.filter(state=state)
    return qs.select_related("member", "from_unit", "to_unit", "started_by", "decided_by").order_by(
        "-started_at", "-pk"
    )


def transfer_get(*, actor, pk: int):
    from .models import TransferRequest

    return get_for_actor(TransferRequest.objects.select_related("member", "from_unit", "to_unit"), actor, pk=pk)


def member_imports_recent(*, actor, limit: int = 5):
    """The actor's own latest roster uploads (an import is seen only by who uploaded it)."""
    from .models import MemberImport

    return list(MemberImport.objects.for_actor(actor).order_by("-created_at", "-pk")[:limit])
