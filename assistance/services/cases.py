"""Hardship files and their workflow: open, change, submit, visit, review, notice, approve, return, reject."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members import idnumbers
from members.models import Member
from members.scoping import require_manage, require_perm, unscoped

from ..models import OPEN_STATUSES, Category, CloseReason, HardshipCase, HomeVisit, HouseholdMember, Status
from ._common import MANAGE, lock, mask_account, refuse_state, require_city, require_unit_manager, step, validated


# --- files -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    name: str
    relation: str
    id_number: str


#: A household has one open file in the whole city, whichever unit opened it: the checks below look
#: at every unit's files, and tell the officer only the other file's number, name and state.
CITY_WIDE_HOUSEHOLD = "one open hardship file per household city-wide: the check must see every unit's files"


def _existing_open_file_for(member: Member, id_hashes: list[str]) -> HardshipCase | None:
    with unscoped(CITY_WIDE_HOUSEHOLD):
        existing = HardshipCase.objects.filter(member=member, status__in=OPEN_STATUSES).select_related("member").first()
        if existing:
            return existing
        row = (
            HouseholdMember.objects.filter(case_open=True, id_number_hash__in=id_hashes)
            .select_related("case", "case__member")
            .order_by("pk")
            .first()
        )
    return row.case if row else None


def _other_open_file_with(case: HardshipCase, id_hashes: list[str]) -> HardshipCase | None:
    with unscoped(CITY_WIDE_HOUSEHOLD):
        other = (
            HouseholdMember.objects.filter(case_open=True, id_number_hash__in=id_hashes)
            .exclude(case=case)
            .select_related("case", "case__member")
            .first()
        )
    return other.case if other else None


def _refuse_second_file(existing: HardshipCase) -> None:
    raise ValidationError(
        _("This household already has an open hardship file: %(number)s (%(name)s, %(status)s).")
        % {"number": existing.number, "name": existing.member.name, "status": existing.get_status_display()},
        code="household_has_file",
    )


@transaction.atomic
def case_open(*, actor, member: Member, data: dict, household: list[Person], bank_account: str = "") -> HardshipCase:
    """Open a draft file for a member's household; refused if the household already has an open file."""
    require_manage(actor, member)
    require_perm(actor=actor, perm=MANAGE)
    # The member row lock serialises two requests for the same applicant; the partial unique
    # indexes (member; person in an open file) are the net for everything else.
    member = Member.objects.for_actor(actor, manage=True).select_for_update(of=("self",)).get(pk=member.pk)
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
    validated(case, exclude=["number"])
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
    step(case, actor=actor, action="open", from_status="")
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
    require_unit_manager(actor, case)
    case = lock(actor, case)
    refuse_state(case, Status.DRAFT)
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
        hashes = [r.id_number_hash for r in rows]
        other = _other_open_file_with(case, hashes)
        if other:
            _refuse_second_file(other)
        try:
            with transaction.atomic():
                HouseholdMember.objects.bulk_create(rows)
        except IntegrityError:
            other = _other_open_file_with(case, hashes)
            if other:
                _refuse_second_file(other)
            raise
    case.household_size = max(case.household_size or 0, case.household.count())
    validated(case)
    case.save()
    return case


@transaction.atomic
def household_remove(*, actor, person: HouseholdMember) -> None:
    """Remove a household member from a draft (never the applicant)."""
    require_unit_manager(actor, person.case)
    case = lock(actor, person.case)
    refuse_state(case, Status.DRAFT)
    if person.id_number_hash == case.member.id_number_hash:
        raise ValidationError(_("The applicant stays in the household."))
    person.delete()


@transaction.atomic
def case_submit(*, actor, case: HardshipCase) -> HardshipCase:
    require_unit_manager(actor, case)
    case = lock(actor, case)
    refuse_state(case, Status.DRAFT)
    case.status = Status.SUBMITTED
    case.save(update_fields=["status", "updated_at"])
    step(case, actor=actor, action="submit", from_status=Status.DRAFT)
    return case


@transaction.atomic
def case_record_visit(
    *, actor, case: HardshipCase, visited_on: date, visitors: str, findings: str, consent: bool
) -> HomeVisit:
    require_unit_manager(actor, case)
    case = lock(actor, case)
    refuse_state(case, Status.SUBMITTED)
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
    validated(visit)
    visit.save()
    case.status = Status.VISITED
    case.save(update_fields=["status", "updated_at"])
    step(case, actor=actor, action="visit", from_status=Status.SUBMITTED, reason=findings)
    return visit


@transaction.atomic
def case_review(*, actor, case: HardshipCase, note: str = "") -> HardshipCase:
    require_city(actor, case)
    case = lock(actor, case)
    refuse_state(case, Status.VISITED)
    case.status = Status.REVIEWED
    case.save(update_fields=["status", "updated_at"])
    step(case, actor=actor, action="review", from_status=Status.VISITED, reason=note)
    return case


@transaction.atomic
def case_start_notice(*, actor, case: HardshipCase, start: date, end: date) -> HardshipCase:
    require_city(actor, case)
    case = lock(actor, case)
    refuse_state(case, Status.REVIEWED)
    if end < start:
        raise ValidationError({"notice_end": _("The notice cannot end before it starts.")})
    from ..models import NoticeRule
    from ..workdays import end_after, working_days

    needed = NoticeRule.current().min_working_days
    if working_days(start, end) < needed:
        raise ValidationError(
            {
                "notice_end": _(
                    "A public notice runs at least %(days)s working days (on the official calendar): "
                    "from %(start)s it can end on %(end)s at the earliest."
                )
                % {"days": needed, "start": start, "end": end_after(start, needed)}
            }
        )
    case.status = Status.NOTICE
    case.notice_start, case.notice_end = start, end
    case.save(update_fields=["status", "notice_start", "notice_end", "updated_at"])
    step(case, actor=actor, action="notice", from_status=Status.REVIEWED, reason=f"{start} – {end}")
    return case


@transaction.atomic
def case_approve(*, actor, case: HardshipCase, note: str = "") -> HardshipCase:
    require_city(actor, case)
    case = lock(actor, case)
    refuse_state(case, Status.NOTICE)
    today = timezone.localdate()
    if case.notice_end and today <= case.notice_end:
        raise ValidationError(
            _("The public notice runs until %(end)s; the file can be approved after it ends.")
            % {"end": case.notice_end}
        )
    case.status = Status.FILED
    case.filed_on = today
    case.review_due = _one_year_after(today)
    case.save(update_fields=["status", "filed_on", "review_due", "updated_at"])
    step(case, actor=actor, action="approve", from_status=Status.NOTICE, reason=note)
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
        require_unit_manager(actor, case)
    else:
        require_city(actor, case)


@transaction.atomic
def case_return(*, actor, case: HardshipCase, reason: str) -> HardshipCase:
    case = lock(actor, case)
    _require_for_return(actor, case)
    refuse_state(case, *RETURNABLE)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for returning the file.")})
    before = case.status
    case.status = Status.DRAFT
    case.save(update_fields=["status", "updated_at"])
    step(case, actor=actor, action="return", from_status=before, reason=reason)
    return case


@transaction.atomic
def case_reject(*, actor, case: HardshipCase, reason: str) -> HardshipCase:
    case = lock(actor, case)
    _require_for_return(actor, case)
    refuse_state(case, *RETURNABLE)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for rejecting the file.")})
    before = case.status
    case.status = Status.REJECTED
    case.save(update_fields=["status", "updated_at"])
    case.household.update(case_open=False)
    step(case, actor=actor, action="reject", from_status=before, reason=reason)
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
    require_unit_manager(actor, case)
    case = lock(actor, case)
    refuse_state(case, Status.FILED)
    today = timezone.localdate()
    if outcome == "keep":
        case.review_due = _one_year_after(today)
        case.save(update_fields=["review_due", "updated_at"])
        step(case, actor=actor, action="reverify_keep", from_status=Status.FILED, reason=note)
    elif outcome == "change":
        if category not in Category.values or category == case.category:
            raise ValidationError({"category": _("Choose the new category (different from the current one).")})
        before = case.get_category_display()
        case.category = category
        case.review_due = _one_year_after(today)
        case.save(update_fields=["category", "review_due", "updated_at"])
        step(
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
        step(
            case,
            actor=actor,
            action="close",
            from_status=Status.FILED,
            reason=f"{case.get_close_reason_display()} {note}".strip(),
        )
    else:
        raise ValidationError({"outcome": _("Choose keep, change the category, or close.")})
    return case
