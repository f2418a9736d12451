"""Every write of the assistance app: files and their workflow, documents, campaigns, grants, recuperation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members import idnumbers
from members.audit import AccessAction, record_access
from members.models import Honour, HonourTitle, Member
from members.scoping import require_perm, scope_for, unit_require_manage
from members.uploads import check_image

from .models import (
    OPEN_STATUSES,
    Campaign,
    CampaignBudget,
    CaseDocument,
    CaseStep,
    Category,
    CloseReason,
    Grant,
    HardshipCase,
    HomeVisit,
    HouseholdMember,
    Recuperation,
    RecuperationRule,
    RosterEntry,
    Status,
)

MANAGE = "assistance.manage_case"


# --- helpers ---------------------------------------------------------------------------------
def mask_name(name: str) -> str:
    """张*明 for 张小明, 张* for 张明, 欧**华 for 欧阳小华: first and last characters only."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_account(number: str) -> str:
    digits = number.replace(" ", "")
    return "*" * max(len(digits) - 4, 0) + digits[-4:]


def _require_unit_manager(actor, case: HardshipCase) -> None:
    unit_require_manage(actor=actor, unit_id=case.unit_id)
    require_perm(actor=actor, perm=MANAGE)


def _require_city(actor, case: HardshipCase | None = None) -> None:
    """City-union steps: 404 outside scope, 403 for anyone but a city administrator with the permission."""
    scope = scope_for(actor)
    if case is not None and not scope.can_read_unit(case.unit_id):
        from django.http import Http404

        raise Http404
    if not scope.is_city_admin:
        raise PermissionDenied
    require_perm(actor=actor, perm=MANAGE)


def city_require_manage(*, actor) -> None:
    """For a view to refuse a city-union step (403) before it looks at the request's input."""
    _require_city(actor)


def _lock(case: HardshipCase) -> HardshipCase:
    return HardshipCase.objects.select_for_update().get(pk=case.pk)


def _step(case: HardshipCase, *, actor, action: str, from_status: str, reason: str = "") -> CaseStep:
    return CaseStep.objects.create(
        case=case, action=action, from_status=from_status, to_status=case.status, reason=reason, actor=actor
    )


def _refuse_state(case: HardshipCase, *expected: str) -> None:
    if case.status not in expected:
        labels = "、".join(str(Status(s).label) for s in expected)
        raise ValidationError(
            _("File %(number)s is “%(status)s”; this step needs it to be: %(expected)s.")
            % {"number": case.number, "status": case.get_status_display(), "expected": labels},
            code="wrong_state",
        )


# --- files -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    name: str
    relation: str
    id_number: str


def _existing_open_file_for(member: Member, id_hashes: list[str]) -> HardshipCase | None:
    existing = HardshipCase.objects.filter(member=member, status__in=OPEN_STATUSES).first()
    if existing:
        return existing
    row = (
        HouseholdMember.objects.filter(case_open=True, id_number_hash__in=id_hashes)
        .select_related("case")
        .order_by("pk")
        .first()
    )
    return row.case if row else None


def _refuse_second_file(existing: HardshipCase) -> None:
    raise ValidationError(
        _("This household already has an open hardship file: %(number)s (%(name)s, %(status)s).")
        % {"number": existing.number, "name": existing.member.name, "status": existing.get_status_display()},
        code="household_has_file",
    )


@transaction.atomic
def case_open(*, actor, member: Member, data: dict, household: list[Person], bank_account: str = "") -> HardshipCase:
    """Open a draft file for a member's household; refused if the household already has an open file."""
    unit_require_manage(actor=actor, unit_id=member.unit_id)
    require_perm(actor=actor, perm=MANAGE)
    # The member row lock serialises two requests for the same applicant; the partial unique
    # indexes (member; person in an open file) are the net for everything else.
    member = Member.objects.select_for_update().get(pk=member.pk)
    people: list[tuple[Person, str, str]] = []
    for person in household:
        facts = idnumbers.parse(person.id_number)
        people.append((person, idnumbers.keyed_hash(facts.number), idnumbers.mask(facts.number)))
    hashes = [member.id_number_hash] + [h for _p, h, _m in people]
    if len(set(hashes)) != len(hashes):
        raise ValidationError({"household": _("A person appears twice in the household (or is the applicant).")})
    existing = _existing_open_file_for(member, hashes)
    if existing:
        _refuse_second_file(existing)
    case = HardshipCase(
        member=member,
        unit_id=member.unit_id,
        created_by=actor,
        number=f"tmp-{uuid.uuid4().hex[:12]}",
        **data,
    )
    case.household_size = max(int(data.get("household_size") or 0), len(people) + 1)
    _set_bank_account(case, bank_account)
    case.full_clean(exclude=["number"])
    try:
        with transaction.atomic():
            case.save()
            HouseholdMember.objects.create(
                case=case,
                name=member.name,
                relation=_("self"),
                id_number_hash=member.id_number_hash,
                id_number_masked=member.id_number_masked,
            )
            HouseholdMember.objects.bulk_create(
                HouseholdMember(case=case, name=p.name, relation=p.relation, id_number_hash=h, id_number_masked=m)
                for p, h, m in people
            )
    except IntegrityError:
        existing = _existing_open_file_for(member, hashes)
        if existing:
            _refuse_second_file(existing)
        raise
    case.number = f"KN{timezone.localdate().year}-{case.pk:05d}"
    case.save(update_fields=["number"])
    _step(case, actor=actor, action="open", from_status="")
    return case


def _set_bank_account(case: HardshipCase, bank_account: str) -> None:
    bank_account = (bank_account or "").replace(" ", "")
    if not bank_account:
        return
    if not bank_account.isdigit() or not 12 <= len(bank_account) <= 30:
        raise ValidationError({"bank_account": _("A bank account number has 12 to 30 digits.")})
    case.bank_account_encrypted = idnumbers.encrypt(bank_account)
    case.bank_account_masked = mask_account(bank_account)


@transaction.atomic
def case_update(
    *, actor, case: HardshipCase, data: dict, bank_account: str = "", add_household: list[Person] = ()
) -> HardshipCase:
    """Change a draft (a new file, or one returned for changes), optionally adding household members."""
    _require_unit_manager(actor, case)
    case = _lock(case)
    _refuse_state(case, Status.DRAFT)
    for field, value in data.items():
        setattr(case, field, value)
    _set_bank_account(case, bank_account)
    rows = []
    known = set(case.household.values_list("id_number_hash", flat=True))
    for person in add_household:
        facts = idnumbers.parse(person.id_number)
        digest = idnumbers.keyed_hash(facts.number)
        if digest in known:
            raise ValidationError({"household": _("A person appears twice in the household (or is the applicant).")})
        known.add(digest)
        rows.append(
            HouseholdMember(
                case=case,
                name=person.name,
                relation=person.relation,
                id_number_hash=digest,
                id_number_masked=idnumbers.mask(facts.number),
            )
        )
    if rows:
        other = (
            HouseholdMember.objects.filter(case_open=True, id_number_hash__in=[r.id_number_hash for r in rows])
            .exclude(case=case)
            .select_related("case", "case__member")
            .first()
        )
        if other:
            _refuse_second_file(other.case)
        try:
            with transaction.atomic():
                HouseholdMember.objects.bulk_create(rows)
        except IntegrityError:
            other = (
                HouseholdMember.objects.filter(case_open=True, id_number_hash__in=[r.id_number_hash for r in rows])
                .exclude(case=case)
                .first()
            )
            if other:
                _refuse_second_file(other.case)
            raise
    case.household_size = max(case.household_size or 0, case.household.count())
    case.full_clean()
    case.save()
    return case


@transaction.atomic
def household_remove(*, actor, person: HouseholdMember) -> None:
    """Remove a household member from a draft (never the applicant)."""
    _require_unit_manager(actor, person.case)
    case = _lock(person.case)
    _refuse_state(case, Status.DRAFT)
    if person.id_number_hash == case.member.id_number_hash:
        raise ValidationError(_("The applicant stays in the household."))
    person.delete()


@transaction.atomic
def case_submit(*, actor, case: HardshipCase) -> HardshipCase:
    _require_unit_manager(actor, case)
    case = _lock(case)
    _refuse_state(case, Status.DRAFT)
    case.status = Status.SUBMITTED
    case.save(update_fields=["status", "updated_at"])
    _step(case, actor=actor, action="submit", from_status=Status.DRAFT)
    return case


@transaction.atomic
def case_record_visit(
    *, actor, case: HardshipCase, visited_on: date, visitors: str, findings: str, consent: bool
) -> HomeVisit:
    _require_unit_manager(actor, case)
    case = _lock(case)
    _refuse_state(case, Status.SUBMITTED)
    if not consent:
        raise ValidationError(
            {"income_check_consent": _("The applicant's signed consent to an income check is required.")}
        )
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("The visit date cannot be in the future.")})
    visit = HomeVisit(
        case=case,
        visited_on=visited_on,
        visitors=visitors,
        findings=findings,
        income_check_consent=consent,
        recorded_by=actor,
    )
    visit.full_clean()
    visit.save()
    case.status = Status.VISITED
    case.save(update_fields=["status", "updated_at"])
    _step(case, actor=actor, action="visit", from_status=Status.SUBMITTED, reason=findings)
    return visit


@transaction.atomic
def case_review(*, actor, case: HardshipCase, note: str = "") -> HardshipCase:
    _require_city(actor, case)
    case = _lock(case)
    _refuse_state(case, Status.VISITED)
    case.status = Status.REVIEWED
    case.save(update_fields=["status", "updated_at"])
    _step(case, actor=actor, action="review", from_status=Status.VISITED, reason=note)
    return case


@transaction.atomic
def case_start_notice(*, actor, case: HardshipCase, start: date, end: date) -> HardshipCase:
    _require_city(actor, case)
    case = _lock(case)
    _refuse_state(case, Status.REVIEWED)
    if end < start:
        raise ValidationError({"notice_end": _("The notice cannot end before it starts.")})
    case.status = Status.NOTICE
    case.notice_start, case.notice_end = start, end
    case.save(update_fields=["status", "notice_start", "notice_end", "updated_at"])
    _step(case, actor=actor, action="notice", from_status=Status.REVIEWED, reason=f"{start} – {end}")
    return case


@transaction.atomic
def case_approve(*, actor, case: HardshipCase, note: str = "") -> HardshipCase:
    _require_city(actor, case)
    case = _lock(case)
    _refuse_state(case, Status.NOTICE)
    today = timezone.localdate()
    if case.notice_end and today < case.notice_end:
        raise ValidationError(
            _("The public notice runs until %(end)s; the file can be approved after it ends.")
            % {"end": case.notice_end}
        )
    case.status = Status.FILED
    case.filed_on = today
    case.review_due = _one_year_after(today)
    case.save(update_fields=["status", "filed_on", "review_due", "updated_at"])
    _step(case, actor=actor, action="approve", from_status=Status.NOTICE, reason=note)
    return case


def _one_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


#: Where a file can be sent back or rejected, and who may do it there.
RETURNABLE = (Status.SUBMITTED, Status.VISITED, Status.REVIEWED, Status.NOTICE)


def _require_for_return(actor, case: HardshipCase) -> None:
    # A submitted file can be taken back by its own unit union; later steps belong to the city union.
    if case.status == Status.SUBMITTED:
        _require_unit_manager(actor, case)
    else:
        _require_city(actor, case)


@transaction.atomic
def case_return(*, actor, case: HardshipCase, reason: str) -> HardshipCase:
    case = _lock(case)
    _require_for_return(actor, case)
    _refuse_state(case, *RETURNABLE)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for returning the file.")})
    before = case.status
    case.status = Status.DRAFT
    case.save(update_fields=["status", "updated_at"])
    _step(case, actor=actor, action="return", from_status=before, reason=reason)
    return case


@transaction.atomic
def case_reject(*, actor, case: HardshipCase, reason: str) -> HardshipCase:
    case = _lock(case)
    _require_for_return(actor, case)
    _refuse_state(case, *RETURNABLE)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for rejecting the file.")})
    before = case.status
    case.status = Status.REJECTED
    case.save(update_fields=["status", "updated_at"])
    case.household.update(case_open=False)
    _step(case, actor=actor, action="reject", from_status=before, reason=reason)
    return case


@transaction.atomic
def case_reverify(
    *,
    actor,
    case: HardshipCase,
    outcome: str,
    note: str,
    category: str = "",
    close_reason: str = "",
    follow_up_on: date | None = None,
) -> HardshipCase:
    """The yearly re-verification: keep the file, change its category, or close it (with a follow-up)."""
    _require_unit_manager(actor, case)
    case = _lock(case)
    _refuse_state(case, Status.FILED)
    today = timezone.localdate()
    if outcome == "keep":
        case.review_due = _one_year_after(today)
        case.save(update_fields=["review_due", "updated_at"])
        _step(case, actor=actor, action="reverify_keep", from_status=Status.FILED, reason=note)
    elif outcome == "change":
        if category not in Category.values or category == case.category:
            raise ValidationError({"category": _("Choose the new category (different from the current one).")})
        before = case.get_category_display()
        case.category = category
        case.review_due = _one_year_after(today)
        case.save(update_fields=["category", "review_due", "updated_at"])
        _step(
            case,
            actor=actor,
            action="reverify_change",
            from_status=Status.FILED,
            reason=f"{before} → {case.get_category_display()} {note}".strip(),
        )
    elif outcome == "close":
        if close_reason not in CloseReason.values:
            raise ValidationError({"close_reason": _("Closing a file needs a reason.")})
        follow_up_on = follow_up_on or today + timedelta(days=180)
        if follow_up_on <= today:
            raise ValidationError({"follow_up_on": _("The follow-up date must be in the future.")})
        case.status = Status.CLOSED
        case.close_reason = close_reason
        case.closed_on = today
        case.follow_up_on = follow_up_on
        case.review_due = None
        case.save(update_fields=["status", "close_reason", "closed_on", "follow_up_on", "review_due", "updated_at"])
        case.household.update(case_open=False)
        _step(
            case,
            actor=actor,
            action="close",
            from_status=Status.FILED,
            reason=f"{case.get_close_reason_display()} {note}".strip(),
        )
    else:
        raise ValidationError({"outcome": _("Choose keep, change the category, or close.")})
    return case


# --- documents -------------------------------------------------------------------------------
_MAGIC = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, ext in _MAGIC:
        if head.startswith(magic):
            return content_type, ext
    return None


@transaction.atomic
def document_add(*, actor, case: HardshipCase, title: str, upload) -> CaseDocument:
    """Attach a supporting document: PDF, JPEG or PNG by its content, at most UPLOAD_MAX_BYTES."""
    from django.conf import settings

    _require_unit_manager(actor, case)
    if case.status in (Status.CLOSED, Status.REJECTED):
        raise ValidationError(_("A closed or rejected file takes no more documents."))
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than %(mb)s MB.") % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}}
        )
    upload.seek(0)
    kind = sniff(upload.read(16))
    upload.seek(0)
    if kind is None:
        raise ValidationError({"file": _("Only PDF, JPEG or PNG files are accepted (checked by their content).")})
    content_type, ext = kind
    if content_type.startswith("image/"):
        try:
            check_image(upload)
        except ValidationError as exc:
            raise ValidationError({"file": exc.messages}) from None
    doc = CaseDocument(case=case, title=title.strip(), content_type=content_type, size=upload.size, uploaded_by=actor)
    doc.file.save(f"{uuid.uuid4().hex}{ext}", upload, save=False)
    doc.full_clean()
    doc.save()
    return doc


# --- access log ------------------------------------------------------------------------------
def case_viewed(*, actor, case: HardshipCase, request=None) -> None:
    """A page that shows the file's sensitive details (income, health, disability, household) was seen."""
    record_access(
        actor=actor,
        action=AccessAction.VIEW,
        what=gettext_lazy("Hardship file"),
        obj=case,
        ref=f"{case.number} {case.member.name}",
        request=request,
    )


def document_opened(*, actor, document: CaseDocument, request=None) -> None:
    record_access(
        actor=actor,
        action=AccessAction.DOCUMENT,
        what=gettext_lazy("Hardship file document"),
        obj=document,
        unit=document.case.unit_id,
        ref=f"{document.case.number} {document.title}",
        request=request,
    )


# --- campaigns and grants --------------------------------------------------------------------
@transaction.atomic
def campaign_create(*, actor, data: dict, budgets: dict[str, Decimal]) -> Campaign:
    _require_city(actor)
    campaign = Campaign(created_by=actor, **data)
    campaign.full_clean()
    campaign.save()
    for source, amount in budgets.items():
        if amount is None:
            continue
        budget = CampaignBudget(campaign=campaign, source=source, amount=amount)
        budget.full_clean()
        budget.save()
    return campaign


@transaction.atomic
def roster_add(
    *, actor, campaign: Campaign, case: HardshipCase, purpose: str, source: str, amount: Decimal | None = None
) -> RosterEntry:
    """Put a filed case on a campaign's roster: its unit union within the application window, or the city union."""
    _require_unit_manager(actor, case)
    if case.status != Status.FILED:
        raise ValidationError(
            _("Only approved and filed cases can go on a roster (%(number)s is not).") % {"number": case.number}
        )
    today = timezone.localdate()
    if not scope_for(actor).is_city_admin and not campaign.opens_on <= today <= campaign.closes_on:
        raise ValidationError(
            _("Applications to %(campaign)s are taken from %(start)s to %(end)s.")
            % {"campaign": campaign.name, "start": campaign.opens_on, "end": campaign.closes_on}
        )
    amount = amount if amount is not None else campaign.amount_for(purpose)
    if amount is None:
        raise ValidationError({"amount": _("The campaign sets no amount for this purpose; enter one.")})
    if not campaign.budgets.filter(source=source).exists():
        raise ValidationError({"source": _("The campaign has no budget from this source.")})
    entry = RosterEntry(campaign=campaign, case=case, purpose=purpose, amount=amount, source=source, added_by=actor)
    entry.full_clean()
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        raise ValidationError(
            _("%(number)s is already on this roster for this purpose.") % {"number": case.number}
        ) from None
    return entry


@transaction.atomic
def roster_remove(*, actor, entry: RosterEntry) -> None:
    _require_unit_manager(actor, entry.case)
    if Grant.objects.filter(case=entry.case, campaign=entry.campaign, purpose=entry.purpose).exists():
        raise ValidationError(_("A grant was already made from this roster line."))
    entry.delete()


def _spent(campaign: Campaign, source: str) -> Decimal:
    return Grant.objects.filter(campaign=campaign, source=source).aggregate(s=Sum("amount"))["s"] or Decimal("0")


@transaction.atomic
def grant_create(
    *, actor, case: HardshipCase, campaign: Campaign, purpose: str, amount: Decimal, source: str, granted_on: date
) -> Grant:
    """One grant; refused if the file already has one for this campaign and purpose, or the budget is spent."""
    _require_city(actor, case)
    case = _lock(case)
    if case.status != Status.FILED:
        raise ValidationError(
            _("Only approved and filed cases receive grants (%(number)s is not).") % {"number": case.number}
        )
    budget = CampaignBudget.objects.select_for_update().filter(campaign=campaign, source=source).first()
    if budget is None:
        raise ValidationError({"source": _("The campaign has no budget from this source.")})
    if _spent(campaign, source) + amount > budget.amount:
        raise ValidationError(
            _("The %(source)s budget of %(campaign)s (%(budget)s yuan) would be exceeded.")
            % {"source": budget.get_source_display(), "campaign": campaign.name, "budget": budget.amount}
        )
    grant = Grant(
        case=case,
        campaign=campaign,
        purpose=purpose,
        amount=amount,
        source=source,
        granted_on=granted_on,
        approved_by=actor,
    )
    grant.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            grant.save()
    except IntegrityError:
        raise ValidationError(
            _("No double aid: %(number)s already has a grant in %(campaign)s for this purpose.")
            % {"number": case.number, "campaign": campaign.name},
            code="double_aid",
        ) from None
    return grant


@transaction.atomic
def grants_from_roster(*, actor, campaign: Campaign, granted_on: date) -> tuple[int, int]:
    """Create the grants of every roster line that has none yet, all or nothing. Returns (created, skipped)."""
    _require_city(actor)
    entries = list(campaign.roster.select_related("case").order_by("pk"))
    done = set(Grant.objects.filter(campaign=campaign).values_list("case_id", "purpose"))
    created = skipped = 0
    for entry in entries:
        if (entry.case_id, entry.purpose) in done or entry.case.status != Status.FILED:
            skipped += 1
            continue
        grant_create(
            actor=actor,
            case=entry.case,
            campaign=campaign,
            purpose=entry.purpose,
            amount=entry.amount,
            source=entry.source,
            granted_on=granted_on,
        )
        created += 1
    return created, skipped


@transaction.atomic
def grant_mark_received(*, actor, grant: Grant, received_on: date) -> Grant:
    _require_unit_manager(actor, grant.case)
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    if received_on < grant.granted_on or received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date received must lie between the grant date and today.")})
    grant.received_on = received_on
    grant.save(update_fields=["received_on"])
    return grant


# --- recuperation ----------------------------------------------------------------------------
RECUPERATION_HONOURS = (HonourTitle.MODEL_WORKER, HonourTitle.ADVANCED_WORKER)


def recuperation_rule() -> RecuperationRule:
    """The rule in force; until an administrator saves one (admin), the defaults, unsaved: reading writes nothing."""
    return RecuperationRule.objects.order_by("pk").first() or RecuperationRule()


def _recuperation_rule_saved() -> RecuperationRule:
    """The rule a recuperation is decided by, saved (with the defaults) the first time so the admin can edit it."""
    return RecuperationRule.objects.order_by("pk").first() or RecuperationRule.objects.create()


@transaction.atomic
def recuperation_create(
    *, actor, honour: Honour, starts_on: date, ends_on: date, place: str, cost: Decimal
) -> Recuperation:
    """Send a model worker or advanced worker on recuperation; not twice within the configured years."""
    _require_city(actor)
    member = Member.objects.select_for_update().get(pk=honour.member_id)
    if honour.title not in RECUPERATION_HONOURS:
        raise ValidationError({"honour": _("Recuperation is for model workers and advanced workers.")})
    years = _recuperation_rule_saved().min_years_between
    try:
        window_start = starts_on.replace(year=starts_on.year - years)
        window_end = starts_on.replace(year=starts_on.year + years)
    except ValueError:
        window_start = starts_on.replace(year=starts_on.year - years, day=28)
        window_end = starts_on.replace(year=starts_on.year + years, day=28)
    previous = (
        Recuperation.objects.filter(member=member, starts_on__gt=window_start, starts_on__lt=window_end)
        .order_by("-starts_on")
        .first()
    )
    if previous:
        raise ValidationError(
            _("%(name)s already went on recuperation on %(date)s; the rule allows one trip in %(years)s years.")
            % {"name": member.name, "date": previous.starts_on, "years": years}
        )
    trip = Recuperation(
        member=member, honour=honour, starts_on=starts_on, ends_on=ends_on, place=place, cost=cost, created_by=actor
    )
    trip.full_clean()
    trip.save()
    return trip
