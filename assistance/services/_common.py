"""What the writes of every sub-domain share: the permission, the rights checks, the workflow's step log."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from members.scoping import require_city_admin, require_manage, require_perm, require_read, unscoped

from ..models import CaseStep, HardshipCase, Status

MANAGE = "assistance.manage_case"


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


def require_unit_manager(actor, case: HardshipCase) -> None:
    """The file's own unit union (or the city): 404 outside the scope, 403 without the right."""
    require_manage(actor, case)
    require_perm(actor=actor, perm=MANAGE)


def require_city(actor, case: HardshipCase | None = None) -> None:
    """City-union steps: 404 outside the scope, 403 for anyone but a city administrator with the permission."""
    if case is not None:
        require_read(actor, case)
    require_city_admin(actor)
    require_perm(actor=actor, perm=MANAGE)


def city_require_manage(*, actor) -> None:
    """For a view to refuse a city-union step (403) before it looks at the request's input."""
    require_city(actor)


def validated(obj, **kwargs) -> None:
    """``full_clean()``: its uniqueness and constraint checks (a file number, a campaign name, one open file
    per member, one grant per file and purpose) are city-wide by nature and answer only valid or not."""
    with unscoped("full_clean's uniqueness and constraint checks: city-wide by nature, they return no rows"):
        obj.full_clean(**kwargs)


def lock(actor, case: HardshipCase) -> HardshipCase:
    """The file, locked for this transaction; 404 outside the actor's scope (the rights are checked apart)."""
    locked = HardshipCase.objects.for_actor(actor).select_for_update(of=("self",)).filter(pk=case.pk).first()
    if locked is None:
        raise Http404
    return locked


def lock_numbers(actor, case_ids) -> dict[int, tuple[str, str]]:
    """Several files locked for this transaction in one statement, in the order of their ids (as every
    batch takes them): id → (status, number); 404 when one lies outside the actor's scope."""
    ids = set(case_ids)
    rows = (
        HardshipCase.objects.for_actor(actor)
        .select_for_update(of=("self",))  # instances, not values(): Django names OF only for a model's rows
        .filter(pk__in=ids)
        .order_by("pk")
        .only("pk", "status", "number")
    )
    locked = {case.pk: (case.status, case.number) for case in rows}
    if len(locked) != len(ids):
        raise Http404
    return locked


def step(case: HardshipCase, *, actor, action: str, from_status: str, reason: str = "") -> CaseStep:
    return CaseStep.objects.create(
        case=case, action=action, from_status=from_status, to_status=case.status, reason=reason, actor=actor
    )


def refuse_state(case: HardshipCase, *expected: str) -> None:
    if case.status not in expected:
        labels = "、".join(str(Status(s).label) for s in expected)
        raise ValidationError(
            _("File %(number)s is “%(status)s”; this step needs it to be: %(expected)s.")
            % {"number": case.number, "status": case.get_status_display(), "expected": labels},
            code="wrong_state",
        )
