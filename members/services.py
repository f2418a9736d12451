"""Every write to organisations, roles and members."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.utils import InterfaceError, OperationalError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit import AccessAction, Counted, record_access
from .choices import CURRENT_STATUSES, MemberStatus
from .models import (
    ChangeKind,
    Member,
    MembershipChange,
    Organization,
    OrganizationKind,
    Role,
    RoleAssignment,
    User,
)
from .roles import ROLE_GROUPS
from .scoping import forget_scope, require_manage, require_perm, require_read


@transaction.atomic
def role_assign(*, user: User, organization: Organization, role: str) -> RoleAssignment:
    """Give a person a role at an organisation, with the role's default permissions (its group)."""
    assignment = user.role_assignments.filter(organization=organization, role=role).first()
    if assignment is None:
        assignment = RoleAssignment(user=user, organization=organization, role=role)
        assignment.full_clean()
        assignment.save()
    user.groups.add(Group.objects.get(name=ROLE_GROUPS[Role(role)]))
    if role == Role.CITY_ADMIN and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    forget_scope(user)
    return assignment


@transaction.atomic
def member_create(
    *, data: dict, id_number: str, unit: Organization, actor: User | None = None, reason: str = ""
) -> Member:
    """Register a member (入会). With an actor, the actor must manage the unit; the join is recorded."""
    if actor is not None:
        require_manage(actor, unit)
        require_perm(actor=actor, perm="members.add_member")
    member = Member(unit=unit, **data)
    member.set_id_number(id_number)
    member.full_clean()
    member.save()
    if actor is not None:
        _record(
            member=member,
            kind=ChangeKind.JOIN,
            on=member.join_date,
            to_unit=unit,
            to_status=member.status,
            reason=reason,
            actor=actor,
        )
    return member


@transaction.atomic
def member_update(*, actor: User, member: Member, data: dict, id_number: str = "") -> Member:
    """Change a member's record (not the unit or the status: those go through the lifecycle)."""
    require_manage(actor, member)
    require_perm(actor=actor, perm="members.change_member")
    forbidden = {"unit", "unit_id", "status", "user", "id_number_encrypted", "id_number_hash"} & set(data)
    if forbidden:
        raise ValueError(f"member_update cannot change {sorted(forbidden)}")
    for field, value in data.items():
        setattr(member, field, value)
    if id_number:
        member.set_id_number(id_number)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def member_reveal_id_number(*, actor: User, member: Member, request=None) -> str:
    """The full ID number, for someone with the right; every view is recorded."""
    require_read(actor, member)
    require_perm(actor=actor, perm="members.reveal_id_number")
    record_access(
        actor=actor,
        action=AccessAction.REVEAL_ID,
        what=gettext_lazy("ID number"),
        obj=member,
        ref=f"{member.name} · {member.card_number}",
        request=request,
    )
    return member.reveal_id_number()


# --- Lifecycle -------------------------------------------------------------------------------
def _record(
    *,
    member: Member,
    kind: str,
    on: date,
    to_status: str,
    actor: User | None,
    reason: str = "",
    from_unit: Organization | None = None,
    to_unit: Organization | None = None,
    from_status: str = "",
) -> MembershipChange:
    change = MembershipChange(
        member=member,
        kind=kind,
        on=on,
        from_unit=from_unit,
        to_unit=to_unit,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        recorded_by=actor,
    )
    change.full_clean()
    change.save()
    return change


def _lock(actor: User, member: Member) -> Member:
    """The member's row, locked, as the actor may manage it (404/403 otherwise)."""
    require_manage(actor, member)
    return (
        Member.objects.for_actor(actor, manage=True)
        .select_for_update(of=("self",))
        .select_related("unit", "user")
        .get(pk=member.pk)
    )


def _check_date(on: date) -> None:
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})


@transaction.atomic
def member_transfer(*, actor: User, member: Member, to_unit: Organization, on: date, reason: str) -> MembershipChange:
    """Move a member to another unit in one step; the history keeps date, from, to, type and reason.

    The officer of the unit the member leaves does it (or a city administrator); the member's login
    follows the member (nothing to change: the scope is derived from the member's unit).
    """
    member = _lock(actor, member)
    require_manage(actor, member)
    require_perm(actor=actor, perm="members.change_member")
    _check_date(on)
    if member.status not in CURRENT_STATUSES:
        raise ValidationError(_("Only a current member can be transferred."))
    if to_unit.kind != OrganizationKind.UNIT or not to_unit.is_active:
        raise ValidationError({"to_unit": _("Choose an active unit union.")})
    if to_unit.pk == member.unit_id:
        raise ValidationError({"to_unit": _("The member already belongs to this unit.")})
    from_unit = member.unit
    member.unit = to_unit
    member._change_reason = "transfer"
    member.full_clean()
    member.save(update_fields=["unit", "updated_at"])
    change = _record(
        member=member,
        kind=ChangeKind.TRANSFER,
        on=on,
        from_unit=from_unit,
        to_unit=to_unit,
        from_status=member.status,
        to_status=member.status,
        reason=reason,
        actor=actor,
    )
    if member.user_id:
        forget_scope(member.user)
    return change


#: kind -> (statuses it may start from, status it leads to)
STATUS_CHANGES: dict[str, tuple[tuple[str, ...], str]] = {
    ChangeKind.RETAIN: ((MemberStatus.ACTIVE,), MemberStatus.RETAINED),
    ChangeKind.WITHDRAW: (CURRENT_STATUSES, MemberStatus.WITHDRAWN),
    ChangeKind.EXPEL: (CURRENT_STATUSES, MemberStatus.EXPELLED),
    ChangeKind.DECEASE: (CURRENT_STATUSES, MemberStatus.DECEASED),
    ChangeKind.TRANSFER_OUT: (CURRENT_STATUSES, MemberStatus.TRANSFERRED_OUT),
    ChangeKind.REINSTATE: (
        (MemberStatus.WITHDRAWN, MemberStatus.TRANSFERRED_OUT, MemberStatus.RETAINED),
        MemberStatus.ACTIVE,
    ),
}


@transaction.atomic
def member_change_status(*, actor: User, member: Member, kind: str, on: date, reason: str) -> MembershipChange:
    """Retirement (membership retained), withdrawal, expulsion, death, transfer out of the system.

    Nothing is deleted. When the membership ends, the member's login is disabled.
    """
    member = _lock(actor, member)
    require_manage(actor, member)
    require_perm(actor=actor, perm="members.change_member")
    if kind not in STATUS_CHANGES:
        raise ValidationError({"kind": _("Unknown kind of change.")})
    _check_date(on)
    allowed_from, to_status = STATUS_CHANGES[kind]
    if member.status not in allowed_from:
        raise ValidationError(
            _("A member with status “%(status)s” cannot have this change.") % {"status": member.get_status_display()}
        )
    if kind in (ChangeKind.EXPEL,) and not reason.strip():
        raise ValidationError({"reason": _("Give the reason for an expulsion.")})
    from_status = member.status
    member.status = to_status
    member._change_reason = kind
    member.save(update_fields=["status", "updated_at"])
    change = _record(
        member=member,
        kind=kind,
        on=on,
        from_unit=member.unit,
        to_unit=member.unit,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        actor=actor,
    )
    if member.user_id:
        active = to_status in CURRENT_STATUSES
        if member.user.is_active != active:
            member.user.is_active = active
            member.user.save(update_fields=["is_active"])
    return change


# --- Accounts --------------------------------------------------------------------------------
#: Letters and digits that cannot be mistaken for one another on a printed sheet.
_PASSWORD_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789"


def one_time_password(length: int = 10) -> str:
    while True:
        pw = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))
        if any(c.isdigit() for c in pw) and any(c.isalpha() for c in pw):
            return pw


@dataclass(frozen=True)
class IssuedAccount:
    member_id: int
    name: str
    unit_name: str
    username: str
    password: str


def _username_for(member: Member) -> str:
    taken = User.objects.filter
    for candidate in (member.mobile, member.card_number):
        if candidate and not taken(username=candidate).exists():
            return candidate
    raise ValidationError(
        _("No free username for %(name)s: both the mobile and the card number are taken.") % {"name": member.name}
    )


@transaction.atomic
def account_create(*, actor: User, member: Member) -> IssuedAccount:
    """A login for a current member: username = mobile (or card) number, a one-time password.

    The password is returned once (to show or print) and never stored in clear; the first login
    asks for a new one.
    """
    member = _lock(actor, member)
    require_manage(actor, member)
    require_perm(actor=actor, perm="members.change_member")
    if member.user_id:
        raise ValidationError(_("%(name)s already has an account.") % {"name": member.name})
    if member.status not in CURRENT_STATUSES:
        raise ValidationError(_("Only a current member can have an account."))
    password = one_time_password()
    user = User(username=_username_for(member), first_name=member.name, must_change_password=True)
    user.set_password(password)
    user.save()
    member.user = user
    member._change_reason = "account"
    member.save(update_fields=["user", "updated_at"])
    return IssuedAccount(member.pk, member.name, member.unit.name, user.username, password)


@transaction.atomic
def account_reset_password(*, actor: User, member: Member) -> IssuedAccount:
    """A new one-time password for a member who forgot theirs."""
    member = _lock(actor, member)
    require_manage(actor, member)
    require_perm(actor=actor, perm="members.change_member")
    if not member.user_id:
        raise ValidationError(_("%(name)s has no account yet.") % {"name": member.name})
    if member.user.is_superuser or member.user.role_assignments.exists():
        raise PermissionDenied  # officers' passwords are not reset by other officers
    password = one_time_password()
    member.user.set_password(password)
    member.user.must_change_password = True
    member.user.save(update_fields=["password", "must_change_password"])
    return IssuedAccount(member.pk, member.name, member.unit.name, member.user.username, password)


def accounts_create_bulk(*, actor: User, members) -> tuple[list[IssuedAccount], list[str]]:
    """Accounts for every given member without one; returns the issued accounts and the problems."""
    issued, problems = [], []
    for member in members:
        try:
            issued.append(account_create(actor=actor, member=member))
        except ValidationError as exc:
            problems.extend(exc.messages)
    return issued, problems


@transaction.atomic
def account_password_changed(*, user: User) -> None:
    """The person chose an own password: the first-login state ends."""
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])


# --- Excel -------------------------------------------------------------------------------------
EXPORT_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number_masked",
    "native_place",
    "political_status",
    "education",
    "unit__name",
    "position",
    "professional_title",
    "employment_type",
    "join_date",
    "card_number",
    "mobile",
    "status",
    "notes",
)


def member_export(*, actor: User, queryset, filters_text: str = "", request=None, unit_id: int | None = None):
    """The (already scoped and filtered) members as an xlsx temporary file; the export is recorded."""
    from .excel import export_to_tempfile

    require_perm(actor=actor, perm="members.export_member")
    rows = queryset.order_by("unit__sort_order", "unit__name", "name", "pk").values_list(*EXPORT_FIELDS)
    counted = Counted(rows.iterator(chunk_size=2000))
    tmp = export_to_tempfile(counted)
    record_access(
        actor=actor,
        action=AccessAction.EXPORT,
        what=gettext_lazy("Member list (with birth dates and partial ID numbers)"),
        rows=counted.count,
        filters=filters_text or None,
        unit=unit_id,
        request=request,
    )
    return tmp


@dataclass
class ImportOutcome:
    errors: list[dict]
    new: int = 0
    updated: int = 0
    total: int = 0
    #: the parsed rows, so that the confirmation does not parse the file again
    dataset: object = None

    @property
    def ok(self) -> bool:
        return not self.errors


def _parse(data: bytes):
    """The file's rows, or an outcome that refuses the file (checked before parsing)."""
    from .excel import HostileFile, check_xlsx, read_dataset

    try:
        check_xlsx(data)
        dataset = read_dataset(data)
    except HostileFile as exc:
        return None, ImportOutcome(errors=[{"row": "", "column": "", "message": str(exc)}])
    if not len(dataset):
        return None, ImportOutcome(errors=[{"row": "", "column": "", "message": _("The file has no member rows.")}])
    return dataset, None


def _raise_lost_database(result) -> None:
    """django-import-export records every exception as a row or file error; a lost database is not a
    problem of the file: raise it, so the transaction rolls back and the user gets the 503 page."""
    errors = [e for _number, row in result.row_errors() for e in row] + list(result.base_errors)
    for error in errors:
        if isinstance(error.error, (OperationalError, InterfaceError)):
            raise error.error


def _run_import(*, actor: User, dataset, mode: str, dry_run: bool) -> ImportOutcome:
    from .resources import MemberResource, import_errors

    resource = MemberResource(actor=actor, mode=mode)
    result = resource.import_data(
        dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True, raise_errors=False
    )
    _raise_lost_database(result)
    errors = import_errors(result)
    errors.sort(key=lambda e: (e["row"] == "", e["row"] if e["row"] != "" else 0))
    return ImportOutcome(
        errors=errors,
        new=result.totals.get("new", 0),
        updated=result.totals.get("update", 0),
        total=len(dataset),
        dataset=dataset,
    )


def member_import_preview(*, actor: User, data: bytes, mode: str) -> ImportOutcome:
    """Refuse hostile files, parse, check every row; nothing is saved."""
    require_perm(actor=actor, perm="members.import_member")
    dataset, refused = _parse(data)
    if refused:
        return refused
    return _run_import(actor=actor, dataset=dataset, mode=mode, dry_run=True)


def member_import_commit(*, actor: User, mode: str, data: bytes | None = None, dataset=None) -> ImportOutcome:
    """Check every row again and save them all in one transaction, or nothing if any row is bad.

    ``dataset`` is the preview's parsed rows (see members.excel.dataset_to_json); without it the
    file is checked and parsed again.
    """
    require_perm(actor=actor, perm="members.import_member")
    if dataset is None:
        dataset, refused = _parse(data or b"")
        if refused:
            return refused
    with transaction.atomic():
        outcome = _run_import(actor=actor, dataset=dataset, mode=mode, dry_run=False)
        if not outcome.ok:
            transaction.set_rollback(True)
    return outcome


# --- Committees and honours --------------------------------------------------------------------
def _require_unit_manager(actor: User, unit: Organization) -> None:
    require_manage(actor, unit)
    require_perm(actor=actor, perm="members.change_member")


@transaction.atomic
def committee_set_term(*, actor: User, unit: Organization, term_start: date, term_years: int, notes: str = ""):
    """Record a committee's (new) term: after an election (换届) the term starts again."""
    from .models import Committee

    _require_unit_manager(actor, unit)
    committee = Committee.objects.for_actor(actor, manage=True).select_for_update().filter(unit=unit).first()
    committee = committee or Committee(unit=unit)
    committee.term_start, committee.term_years, committee.notes = term_start, term_years, notes
    committee.full_clean()
    committee.save()
    return committee


@transaction.atomic
def committee_post_add(
    *, actor: User, unit: Organization, member: Member, post: str, elected_on: date, by_election: bool
):
    """Elect a member to a post (a by-election fills a post mid-term)."""
    from .models import Committee, CommitteePost, Post

    _require_unit_manager(actor, unit)
    committee = Committee.objects.for_actor(actor, manage=True).select_for_update().filter(unit=unit).first()
    if committee is None:
        raise ValidationError(_("Record the committee's term first."))
    if member.unit_id != unit.pk or member.status not in CURRENT_STATUSES:
        raise ValidationError({"member": _("Choose a current member of this unit.")})
    if post == Post.CHAIR and committee.posts.filter(post=Post.CHAIR, ended_on__isnull=True).exists():
        raise ValidationError({"post": _("The committee already has a chair; end that post first.")})
    if committee.posts.filter(member=member, post=post, ended_on__isnull=True).exists():
        raise ValidationError({"post": _("This member already holds this post.")})
    _check_date(elected_on)
    holder = CommitteePost(
        committee=committee, member=member, post=post, elected_on=elected_on, by_election=by_election
    )
    holder.full_clean()
    holder.save()
    return holder


@transaction.atomic
def committee_post_end(*, actor: User, holder, on: date) -> None:
    _require_unit_manager(actor, holder.committee.unit)
    if holder.ended_on is None:
        holder.ended_on = on
        holder.save(update_fields=["ended_on"])


@transaction.atomic
def honour_add(*, actor: User, member: Member, data: dict):
    from .models import Honour

    _require_unit_manager(actor, member.unit)
    honour = Honour(member=member, **data)
    honour.full_clean()
    honour.save()
    return honour
