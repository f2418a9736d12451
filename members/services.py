"""Every write to organisations, roles and members."""

from __future__ import annotations

import json
import logging
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.utils import IntegrityError, InterfaceError, OperationalError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import registry
from .audit import AccessAction, Counted, record_access
from .choices import CURRENT_STATUSES, MemberStatus
from .models import (
    ChangeKind,
    ImportStatus,
    LoginEventKind,
    Member,
    MemberImport,
    MembershipChange,
    Organization,
    OrganizationKind,
    Role,
    RoleAssignment,
    TransferRequest,
    TransferState,
    UnitHonour,
    User,
)
from .pinyin import NameOrder
from .roles import ROLE_GROUPS
from .scoping import (
    forget_scope,
    get_for_actor,
    require_city_admin,
    require_manage,
    require_perm,
    require_read,
    scope_enforced,
    scope_for,
    unscoped,
)

log = logging.getLogger(__name__)


@transaction.atomic
def role_assign(*, user: User, organization: Organization, role: str) -> RoleAssignment:
    """Give a person a role at an organisation, with the role's default permissions (its group).

    The auditor's role is held alone (三员分立: who audits does not administer, and the reverse)."""
    held = set(user.role_assignments.values_list("role", flat=True))
    if held and (role == Role.AUDITOR) != (held == {Role.AUDITOR}):
        raise ValidationError({"role": _("The security auditor's role cannot be combined with another role.")})
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
    """The member's row, locked, as the actor may manage it (404/403 otherwise). A member who holds a
    role is changed by a city administrator only (``protect_role_holder``)."""
    require_manage(actor, member)
    locked = (
        Member.objects.for_actor(actor, manage=True)
        .select_for_update(of=("self",))
        .select_related("unit", "user")
        .get(pk=member.pk)
    )
    protect_role_holder(actor=actor, member=locked)
    return locked


def holds_a_role(member: Member) -> bool:
    """Whether the member's login holds any role (a co-officer, a zone lead, an auditor, a city
    administrator whose record lies in the unit) or is a superuser."""
    if not member.user_id:
        return False
    with unscoped("whether a member's login holds a role anywhere: roles at other organisations count too"):
        return member.user.is_superuser or RoleAssignment.objects.filter(user_id=member.user_id).exists()


def protect_role_holder(*, actor: User, member: Member) -> None:
    """403 with a clear message when someone but a city administrator withdraws, expels, transfers,
    deactivates or resets the login of a role holder (an officer could otherwise lock a zone lead out)."""
    if holds_a_role(member) and not scope_for(actor).is_city_admin:
        raise PermissionDenied(
            _(
                "%(name)s holds a role in the union (an officer, a zone lead, an auditor or an administrator): "
                "only a city administrator can change this member's status, transfer them or reset their login."
            )
            % {"name": member.name}
        )


def _check_date(on: date) -> None:
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})


def _officer_label(actor: User) -> str:
    with unscoped("the name of the officer who acted, for the member's notice"):
        member = Member.objects.filter(user=actor).values_list("name", flat=True).first()
    return f"{member}（{actor.get_username()}）" if member else actor.get_username()


def _tell_member(member: Member, *, key: str, title: str, body: str, email: bool = False) -> None:
    if member.user_id:
        registry.notify(
            recipient_ids=[member.user_id],
            kind=key.split(":", 1)[0],
            key=key,
            title=title,
            body=body,
            url="/",
            email=email,
        )


@transaction.atomic
def transfer_start(*, actor: User, member: Member, to_unit: Organization, on: date, reason: str) -> TransferRequest:
    """转出: the sending unit's officer (or a city administrator) starts a transfer. The member stays in
    the sending unit, and the login keeps its scope, until the receiving side accepts it."""
    member = _lock(actor, member)
    require_perm(actor=actor, perm="members.change_member")
    _check_date(on)
    if member.status not in CURRENT_STATUSES:
        raise ValidationError(_("Only a current member can be transferred."))
    if to_unit.kind != OrganizationKind.UNIT or not to_unit.is_active:
        raise ValidationError({"to_unit": _("Choose an active unit union.")})
    if to_unit.pk == member.unit_id:
        raise ValidationError({"to_unit": _("The member already belongs to this unit.")})
    if member.transfer_requests.filter(state=TransferState.PENDING).exists():
        raise ValidationError(_("A transfer of %(name)s is already waiting.") % {"name": member.name})
    transfer = TransferRequest(
        member=member, from_unit=member.unit, to_unit=to_unit, on=on, reason=reason, started_by=actor
    )
    transfer.full_clean()
    transfer.save()
    _record(
        member=member,
        kind=ChangeKind.TRANSFER_START,
        on=on,
        from_unit=member.unit,
        to_unit=to_unit,
        from_status=member.status,
        to_status=member.status,
        reason=reason,
        actor=actor,
    )
    _tell_member(
        member,
        key=f"transfer-start:{transfer.pk}",
        title=_("A transfer of your membership was started"),
        body=_("%(from)s started the transfer of your membership to %(to)s; it takes effect when %(to)s accepts it.")
        % {"from": member.unit.name, "to": to_unit.name},
    )
    return transfer


def _lock_transfer(actor: User, pk: int) -> TransferRequest:
    from django.http import Http404

    transfer = (
        TransferRequest.objects.for_actor(actor)
        .select_for_update(of=("self",))
        .select_related("member", "from_unit", "to_unit")
        .filter(pk=pk)
        .first()
    )
    if transfer is None:
        raise Http404
    if transfer.state != TransferState.PENDING:
        raise ValidationError(_("This transfer was already decided."))
    return transfer


@transaction.atomic
def transfer_accept(*, actor: User, transfer: TransferRequest) -> MembershipChange:
    """转入: the receiving unit's officer (or a city administrator) accepts; now the member moves."""
    transfer = _lock_transfer(actor, transfer.pk)
    if not scope_for(actor).can_manage_unit(transfer.to_unit_id):
        raise PermissionDenied(_("Only the receiving unit's officers or the city union can accept a transfer."))
    require_perm(actor=actor, perm="members.change_member")
    with unscoped("accepting a transfer: the member is in the sending unit until this moment"):
        member = (
            Member.objects.select_for_update(of=("self",)).select_related("unit", "user").get(pk=transfer.member_id)
        )
    if member.unit_id != transfer.from_unit_id or member.status not in CURRENT_STATUSES:
        raise ValidationError(_("The member is no longer a current member of the sending unit."))
    if not transfer.to_unit.is_active:
        raise ValidationError({"to_unit": _("Choose an active unit union.")})
    member.unit = transfer.to_unit
    member._change_reason = "transfer"
    member.full_clean()
    member.save(update_fields=["unit", "updated_at"])
    change = _record(
        member=member,
        kind=ChangeKind.TRANSFER,
        on=transfer.on,
        from_unit=transfer.from_unit,
        to_unit=transfer.to_unit,
        from_status=member.status,
        to_status=member.status,
        reason=transfer.reason,
        actor=actor,
    )
    transfer.state, transfer.decided_by, transfer.decided_at = TransferState.ACCEPTED, actor, timezone.now()
    transfer.save(update_fields=["state", "decided_by", "decided_at"])
    if member.user_id:
        forget_scope(member.user)
    _tell_member(
        member,
        key=f"transfer-accept:{transfer.pk}",
        title=_("Your membership was transferred"),
        body=_("%(to)s accepted the transfer of your membership from %(from)s.")
        % {"from": transfer.from_unit.name, "to": transfer.to_unit.name},
    )
    return change


@transaction.atomic
def transfer_return(*, actor: User, transfer: TransferRequest, reason: str) -> TransferRequest:
    """The receiving side (or the city union) returns the transfer with a reason; the member stays."""
    transfer = _lock_transfer(actor, transfer.pk)
    if not scope_for(actor).can_manage_unit(transfer.to_unit_id):
        raise PermissionDenied(_("Only the receiving unit's officers or the city union can return a transfer."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for returning the transfer.")})
    return _close(actor, transfer, TransferState.RETURNED, ChangeKind.TRANSFER_RETURN, reason.strip())


@transaction.atomic
def transfer_cancel(*, actor: User, transfer: TransferRequest) -> TransferRequest:
    """The sending side (or the city union) withdraws a transfer that is still waiting."""
    transfer = _lock_transfer(actor, transfer.pk)
    if not scope_for(actor).can_manage_unit(transfer.from_unit_id):
        raise PermissionDenied(_("Only the sending unit's officers or the city union can withdraw a transfer."))
    return _close(actor, transfer, TransferState.CANCELLED, ChangeKind.TRANSFER_CANCEL, "")


def _close(actor, transfer, state, kind, reason) -> TransferRequest:
    with unscoped("closing a transfer: the member's row, as the sending unit holds it"):
        member = Member.objects.select_related("unit").get(pk=transfer.member_id)
    transfer.state, transfer.decided_by, transfer.decided_at = state, actor, timezone.now()
    transfer.return_reason = reason
    transfer.save(update_fields=["state", "decided_by", "decided_at", "return_reason"])
    _record(
        member=member,
        kind=kind,
        on=timezone.localdate(),
        from_unit=transfer.from_unit,
        to_unit=transfer.to_unit,
        from_status=member.status,
        to_status=member.status,
        reason=reason,
        actor=actor,
    )
    title = (
        _("The transfer of your membership was returned")
        if state == TransferState.RETURNED
        else _("The transfer of your membership was withdrawn")
    )
    _tell_member(
        member,
        key=f"transfer-{state}:{transfer.pk}",
        title=title,
        body=_("You stay a member of %(from)s.") % {"from": transfer.from_unit.name},
    )
    return transfer


@transaction.atomic
def member_transfer(*, actor: User, member: Member, to_unit: Organization, on: date, reason: str) -> MembershipChange:
    """Start a transfer and, when the actor may also accept it (a city administrator, an officer of both
    units), accept it at once. Otherwise the change returned is the start, and the member stays."""
    transfer = transfer_start(actor=actor, member=member, to_unit=to_unit, on=on, reason=reason)
    if scope_for(actor).can_manage_unit(to_unit.pk):
        return transfer_accept(actor=actor, transfer=transfer)
    return transfer.member.changes.filter(kind=ChangeKind.TRANSFER_START).order_by("-pk").first()


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
def account_reset_password(*, actor: User, member: Member, request=None) -> IssuedAccount:
    """A new one-time password for a member who forgot theirs.

    Written to the access record (who reset whose login, when, from where) and the login log; the
    member is told at once (inbox and e-mail, naming the officer); every session of the login ends
    (Django ties a session to the password's hash). A role holder's login: city administrators only."""
    member = _lock(actor, member)
    require_perm(actor=actor, perm="members.change_member")
    if not member.user_id:
        raise ValidationError(_("%(name)s has no account yet.") % {"name": member.name})
    if member.user_id == actor.pk:
        raise ValidationError(_("Change your own password on the password page."))
    from .security import login_event

    user = member.user
    password = one_time_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    _end_sessions(user)
    record_access(
        actor=actor,
        action=AccessAction.RESET_LOGIN,
        what=gettext_lazy("Login password"),
        obj=member,
        ref=f"{member.name} · {user.get_username()}",
        request=request,
    )
    login_event(kind=LoginEventKind.PASSWORD_RESET, user=user, by=actor, request=request)
    now = timezone.localtime()
    _tell_member(
        member,
        key=f"reset:{user.pk}:{now:%Y%m%d%H%M%S%f}",
        title=_("The password of your login was reset"),
        body=_(
            "%(officer)s reset the password of your login %(username)s on %(when)s. If you did not ask for "
            "this, tell the city union at once: someone may have used your login."
        )
        % {"officer": _officer_label(actor), "username": user.get_username(), "when": f"{now:%Y-%m-%d %H:%M}"},
        email=True,
    )
    return IssuedAccount(member.pk, member.name, member.unit.name, user.get_username(), password)


def _end_sessions(user: User) -> None:
    """Every session of the login ends. Django already refuses a session whose password hash is stale
    (the new password changed it); the rows are deleted too, so that nothing of them remains."""
    from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.models import Session

    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = session.get_decoded()
        if str(data.get(SESSION_KEY)) == str(user.pk) and data.get(HASH_SESSION_KEY) != user.get_session_auth_hash():
            session.delete()


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
def account_password_changed(*, user: User, request=None) -> None:
    """The person chose an own password: the first-login state ends; the login log keeps the change."""
    from .security import login_event

    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
    login_event(kind=LoginEventKind.PASSWORD_CHANGE, user=user, request=request)


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
    rows = queryset.order_by("unit__sort_order", "unit__name", NameOrder(), "pk").values_list(*EXPORT_FIELDS)
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


# --- The roster import (members.roster does the reading and checking) ------------------------------
#: Keeps the import row's own bookkeeping (status, progress, counts) from the task that was handed it.
IMPORT_BOOKKEEPING = "the import task records status, progress and counts on the import it was handed"


def _import_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "member-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _sealed(imp: MemberImport, part: str) -> Path:
    return _import_dir() / f"{imp.token}.{part}"


def _put(imp: MemberImport, part: str, payload: bytes | str) -> None:
    """Full ID numbers and names: kept encrypted on disk (members.excel.seal), never in the database."""
    from .excel import seal

    text = payload.decode("latin-1") if isinstance(payload, bytes) else payload
    _sealed(imp, part).write_bytes(seal(("b" if isinstance(payload, bytes) else "t") + text))


def _get(imp: MemberImport, part: str):
    from .excel import unseal

    path = _sealed(imp, part)
    if not path.exists():
        return None
    text = unseal(path.read_bytes())
    return text[1:].encode("latin-1") if text[0] == "b" else text[1:]


def _forget_files(imp: MemberImport, *parts: str) -> None:
    for part in parts or ("upload", "rows", "plan", "preview"):
        _sealed(imp, part).unlink(missing_ok=True)


def _clear_stale_imports(max_age_seconds: int = 24 * 3600) -> None:
    """Checked files never confirmed leave their sealed rows behind: remove those older than a day."""
    limit = time.time() - max_age_seconds
    for path in _import_dir().iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            pass


def _enqueue(task_name: str, import_id: int) -> None:
    from . import tasks

    try:
        getattr(tasks, task_name).delay(import_id)
    except Exception:  # noqa: BLE001 - broker unreachable: the officer must see it, not wait forever
        log.exception("could not queue %s for member import %s", task_name, import_id)
        with unscoped(IMPORT_BOOKKEEPING):
            MemberImport.objects.filter(pk=import_id).update(
                status=ImportStatus.FAILED,
                error=_("The task queue could not be reached; try again in a few minutes."),
                finished_at=timezone.now(),
            )


def _import_progress(imp_pk: int, phase_start: int, phase_span: int):
    """A progress callback: the import row's per cent, written (outside the import's transaction)
    at most every 1,000 rows; the page's progress bar polls it."""

    def report(done: int, total: int) -> None:
        with unscoped(IMPORT_BOOKKEEPING):
            MemberImport.objects.filter(pk=imp_pk).update(
                progress=min(99, phase_start + phase_span * done // max(1, total))
            )
        cache.set(f"member-import-progress:{imp_pk}", min(99, phase_start + phase_span * done // max(1, total)), 3600)

    return report


def member_import_upload(*, actor: User, data: bytes, file_name: str = "") -> MemberImport:
    """Take an uploaded roster: hostile files are refused at once (ValidationError); a file of up to
    MEMBER_IMPORT_SYNC_ROWS rows is checked now, a bigger one by a task (the page shows its progress).
    Nothing is saved to the members until member_import_confirm."""
    from .excel import HostileFile, check_xlsx, count_rows

    require_perm(actor=actor, perm="members.import_member")
    units = list(Organization.objects.for_actor(actor, manage=True).units().filter(is_active=True)[:2])
    if not units:
        raise PermissionDenied
    try:
        check_xlsx(data)
    except HostileFile as exc:
        raise ValidationError(str(exc)) from None
    _clear_stale_imports()
    imp = MemberImport(
        token=uuid.uuid4().hex,
        requested_by=actor,
        unit=units[0] if len(units) == 1 else None,
        file_name=(file_name or "")[:200],
        in_background=count_rows(data) > settings.MEMBER_IMPORT_SYNC_ROWS,
    )
    imp.full_clean()
    imp.save()
    if imp.in_background:
        _put(imp, "upload", data)
        transaction.on_commit(lambda pk=imp.pk: _enqueue("member_import_check", pk))
        return imp
    _check_file(imp, actor, data)
    return imp


def _check_file(imp: MemberImport, actor: User, data: bytes, on_progress=None) -> None:
    from .excel import HostileFile, read_roster
    from .roster import check_roster, header_field

    try:
        roster = read_roster(data, is_header=lambda v: header_field(v) is not None)
    except HostileFile as exc:
        return _import_failed(imp, str(exc))
    if not roster.rows:
        return _import_failed(imp, _("The file has no member rows under its header row."))
    plan = check_roster(actor=actor, roster=roster, on_progress=on_progress)
    _put(imp, "rows", roster.to_json())
    _keep_plan(imp, actor, plan)
    _store_preview(imp, plan, rows=len(roster.rows))


def _keep_plan(imp: MemberImport, actor: User, plan) -> None:
    """What the confirmation writes, unless something it depends on changes meanwhile (a plan with problems
    cannot be confirmed: none is kept)."""
    from .roster import keep_plan

    if plan.ok:
        _put(imp, "plan", keep_plan(plan, actor=actor))
    else:
        _forget_files(imp, "plan")


def _store_preview(imp: MemberImport, plan, *, rows: int) -> None:
    from .roster import preview_of

    preview = preview_of(plan)
    _put(imp, "preview", json.dumps(preview, ensure_ascii=False, default=str))
    counts = preview["counts"]
    imp.rows = rows
    imp.new, imp.changed, imp.unchanged = counts["new"], counts["changed"], counts["unchanged"]
    imp.problems = len(plan.problems)
    imp.status = ImportStatus.CHECKED
    imp.progress = 100 if not imp.in_background else 50
    imp.checked_at = timezone.now()
    imp.error = ""
    with unscoped(IMPORT_BOOKKEEPING):
        imp.save()


def _import_failed(imp: MemberImport, message: str) -> None:
    imp.status = ImportStatus.FAILED
    imp.error = message[:300]
    imp.finished_at = timezone.now()
    with unscoped(IMPORT_BOOKKEEPING):
        imp.save(update_fields=["status", "error", "finished_at"])
    _forget_files(imp)


@unscoped(IMPORT_BOOKKEEPING)
def member_import_check_task(*, import_id: int) -> str:
    """The task's check of a big file (safe to run again: only a file still being checked is read)."""
    imp = MemberImport.objects.select_related("requested_by").filter(pk=import_id).first()
    if imp is None or imp.status != ImportStatus.CHECKING:
        return imp.status if imp else "missing"
    data = _get(imp, "upload")
    if data is None:
        _import_failed(imp, _("The uploaded file is no longer there; upload it again."))
        return imp.status
    with scope_enforced():
        _check_file(imp, imp.requested_by, data, on_progress=_import_progress(imp.pk, 0, 50))
    _forget_files(imp, "upload")
    return imp.status


def member_import_preview(*, actor: User, imp: MemberImport) -> dict | None:
    """The checked file's preview (rows, changes, notes, problems), for its uploader only."""
    imp = get_for_actor(MemberImport, actor, pk=imp.pk)
    text = _get(imp, "preview")
    return json.loads(text) if text else None


def member_import_confirm(*, actor: User, imp: MemberImport, update_existing: bool) -> str:
    """Save the checked file, once: a second confirmation (double click, retry, back and resubmit)
    finds the import no longer "checked" and changes nothing. Returns what happened: "done", "saving"
    (a task saves it), "rechecked" (the database changed since the check: look at the preview again),
    "failed", or "already" (this confirmation did nothing)."""
    require_perm(actor=actor, perm="members.import_member")
    imp = get_for_actor(MemberImport, actor, pk=imp.pk)
    with transaction.atomic():
        # The claim: one UPDATE from "checked"; a concurrent second confirmation waits on the row
        # and then finds it no longer "checked".
        claimed = (
            MemberImport.objects.for_actor(actor)
            .filter(pk=imp.pk, status=ImportStatus.CHECKED, problems=0)
            .update(status=ImportStatus.SAVING, update_existing=update_existing, progress=0)
        )
        imp.refresh_from_db()
        if not claimed:
            return "already"
        if imp.in_background:
            transaction.on_commit(lambda pk=imp.pk: _enqueue("member_import_save", pk))
            return "saving"
        _save_file(imp, actor)
    if imp.status == ImportStatus.DONE:
        _forget_files(imp)
        return "done"
    return "rechecked" if imp.status == ImportStatus.CHECKED else "failed"


def _save_file(imp: MemberImport, actor: User, on_progress=None) -> None:
    """Save the checked file all, or nothing. The writes kept at the check are saved as they are when nothing
    they depend on has changed (members.roster.kept_writes: one query per 2,000 rows); otherwise the kept rows
    are checked again (the database changed since): a problem found now goes back to the preview."""
    from .excel import RawRoster
    from .roster import check_roster, kept_writes, save_plan, save_rows

    if not _sealed(imp, "rows").exists():
        return _import_failed(imp, _("This check has expired; upload the file again."))
    kept = _get(imp, "plan")
    writes = kept_writes(kept, actor=actor, update_existing=imp.update_existing) if kept else None
    roster = plan = None
    if writes is None:
        text = _get(imp, "rows")
        if text is None:
            return _import_failed(imp, _("This check has expired; upload the file again."))
        roster = RawRoster.from_json(text)
        plan = check_roster(actor=actor, roster=roster)
    if writes is not None or plan.ok:
        try:
            with transaction.atomic():
                if writes is not None:
                    added, updated = save_rows(
                        actor=actor, creates=writes[0], updates=writes[1], on_progress=on_progress
                    )
                else:
                    added, updated = save_plan(
                        actor=actor, plan=plan, update_existing=imp.update_existing, on_progress=on_progress
                    )
        except IntegrityError:  # another import saved the same card or ID number meanwhile
            roster = roster or RawRoster.from_json(_get(imp, "rows") or "")
            plan = check_roster(actor=actor, roster=roster)
        else:
            imp.status = ImportStatus.DONE
            imp.saved_new, imp.saved_changed = added, updated
            imp.progress = 100
            imp.finished_at = timezone.now()
            with unscoped(IMPORT_BOOKKEEPING):
                imp.save()
            return None
    # Something changed since the check: the new problems are shown, nothing was saved.
    _keep_plan(imp, actor, plan)
    _store_preview(imp, plan, rows=len(roster.rows))
    if plan.ok:  # the conflict resolved itself on the second look: let the officer confirm again
        return None
    return None


@unscoped(IMPORT_BOOKKEEPING)
def member_import_save_task(*, import_id: int) -> str:
    """The task's save of a big file (safe to run again: only an import being saved is written)."""
    imp = MemberImport.objects.select_related("requested_by").filter(pk=import_id).first()
    if imp is None or imp.status != ImportStatus.SAVING:
        return imp.status if imp else "missing"
    actor = imp.requested_by
    try:
        with transaction.atomic(), scope_enforced():
            require_perm(actor=actor, perm="members.import_member")
            _save_file(imp, actor, on_progress=_import_progress(imp.pk, 50, 50))
    except (OperationalError, InterfaceError):
        raise  # the database went away: the task is retried (acks late), nothing was saved
    except PermissionDenied:
        _import_failed(imp, _("You may no longer import members: nothing was saved."))
    except Exception:  # noqa: BLE001 - recorded on the import and in the log; the page shows it
        log.exception("member import %s failed", imp.pk)
        _import_failed(
            imp,
            _("The import failed because of an error; nothing was saved. The administrators can see it in the log."),
        )
    if imp.status == ImportStatus.DONE:
        _forget_files(imp)
    cache.delete(f"member-import-progress:{imp.pk}")
    return imp.status


def member_import_progress(*, imp: MemberImport) -> int:
    """The per cent to show: the task's latest figure (the save runs in one transaction, so its
    progress is told through the cache), else the row's."""
    cached = cache.get(f"member-import-progress:{imp.pk}") if imp.is_pending else None
    return max(imp.progress, cached or 0)


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


@transaction.atomic
def unit_honour_add(*, actor: User, unit: Organization, data: dict) -> UnitHonour:
    """A collective honour (集体荣誉) on a unit's honour roll: ``data`` holds title, level, year and
    optionally name and awarded_by. The roll is kept by the city union's administrators (403 for anyone
    else); the voice app's honour pages and a team contest's final prizes both write through here."""
    require_city_admin(actor)
    fields = {k: data[k] for k in ("title", "level", "year", "name", "awarded_by") if k in data}
    fields["name"] = (fields.get("name") or "").strip()
    honour = UnitHonour(unit=unit, **fields)
    honour.full_clean()
    honour.save()
    return honour


# --- Second factor (django-otp) -----------------------------------------------------------------------
RECOVERY_CODES = 10


def second_factor_device(*, user: User, pending_key: str = ""):
    """The person's authenticator (TOTP) device: the confirmed one, one being enrolled, or — not saved —
    a new one with the key the enrolment page keeps in the session (a GET writes nothing)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "-pk").first()
    if device is None:
        extra = {"key": pending_key} if pending_key else {}
        device = TOTPDevice(user=user, name="authenticator", confirmed=False, **extra)
    return device


@transaction.atomic
def second_factor_confirm(*, user: User, token: str, pending_key: str = "", request=None) -> list[str]:
    """Enrolment: the first code from the app confirms the device; returns new recovery codes (shown once)."""
    from .security import login_event

    device = second_factor_device(user=user, pending_key=pending_key)
    if device.pk is None:
        device.save()
    if device.confirmed:
        raise ValidationError(_("A second factor is already set up for this login."))
    if not device.verify_token((token or "").strip()):
        raise ValidationError({"token": _("The code is wrong or too old: enter the current 6-digit code.")})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    login_event(kind=LoginEventKind.OTP_ENROL, user=user, request=request)
    return recovery_codes_issue(user=user, request=request, log=False)


@transaction.atomic
def recovery_codes_issue(*, user: User, request=None, log: bool = True) -> list[str]:
    """Ten new one-use recovery codes (the old ones stop working); shown once, stored by django-otp."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    from .security import login_event

    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    for code in codes:
        device.token_set.create(token=code)
    if log:
        login_event(kind=LoginEventKind.RECOVERY_CODES, user=user, request=request)
    return codes


@transaction.atomic
def second_factor_reset(*, actor: User, member: Member, request=None) -> None:
    """A city administrator removes another person's second factor (a lost phone): recorded in the
    access record and the login log; the person is told and enrols again at the next login."""
    from django_otp import devices_for_user

    from .scoping import require_city_admin
    from .security import login_event

    require_city_admin(actor)
    require_read(actor, member)
    if not member.user_id:
        raise ValidationError(_("%(name)s has no account yet.") % {"name": member.name})
    user = member.user
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
    record_access(
        actor=actor,
        action=AccessAction.RESET_OTP,
        what=gettext_lazy("Second factor"),
        obj=member,
        ref=f"{member.name} · {user.get_username()}",
        request=request,
    )
    login_event(kind=LoginEventKind.OTP_RESET, user=user, by=actor, request=request)
    _tell_member(
        member,
        key=f"otp-reset:{user.pk}:{timezone.now():%Y%m%d%H%M%S%f}",
        title=_("The second factor of your login was reset"),
        body=_("%(officer)s removed the second factor of your login; set it up again at your next login.")
        % {"officer": _officer_label(actor)},
        email=True,
    )
