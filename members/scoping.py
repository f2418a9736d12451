"""Who may see what: the one place that decides an actor's scope, and the manager that applies it.

- City administrators read and manage everything.
- A liaison-zone lead reads the units of the zone (and their members); manages nothing by that role.
- A unit officer reads and manages the own unit.
- The security auditor reads the records (access record, membership history, login log) only.
- A member reads the own record (plus the calendar and own registrations, aid and gifts, which
  the other apps filter by ``scope.member_id``).

Every model that holds a unit's or a person's data says once how it reaches a unit
(``scope_path = "member__unit"``) and, where a member may read the own rows, how it reaches that
member (``scope_owner = "member"``); its default manager is a :class:`ScopedManager`. Then

    Registration.objects.for_actor(request.user).filter(activity=activity)

is the only way to read it. A query on such a model that was not narrowed by ``for_actor()``, not
reached from a parent the caller already holds (``activity.registrations.all()``), and not run
inside ``with unscoped("why"):`` raises :class:`ScopeError` when it touches the database, so a
forgotten filter fails at once instead of leaking in the next export (the idea of django-scopes,
which pretix uses; here the scope is the actor, not a single event).

Requests and Celery tasks run with the rule enforced (``ScopeEnforcementMiddleware``, the task
base class); everything else — a shell, a migration, a management command — must say why it reads
everything. Something outside the actor's scope answers 404 (never 403, so that existence is not
leaked); something inside the scope but beyond the actor's rights answers 403.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404


@dataclass(frozen=True)
class Scope:
    sees_all: bool = False
    readable_unit_ids: frozenset[int] = frozenset()
    manageable_unit_ids: frozenset[int] = frozenset()
    zone_ids: frozenset[int] = frozenset()
    city_ids: frozenset[int] = frozenset()
    member_id: int | None = None
    member_unit_id: int | None = None
    roles: frozenset[str] = frozenset()
    user_id: int | None = None
    #: Unions (the city union or units) whose funds audit committee the actor sits on: read-only over
    #: their funds (the funds app's models add these to their own rule).
    audit_org_ids: frozenset[int] = frozenset()
    #: The security auditor (三员分立): reads the records (access record, membership history, login
    #: log) and nothing else: no unit, no member page.
    is_auditor: bool = False

    @property
    def is_city_admin(self) -> bool:
        return self.sees_all

    @property
    def is_zone_lead(self) -> bool:
        return bool(self.zone_ids)

    @property
    def is_officer(self) -> bool:
        """Holds any management or reading role beyond the own record."""
        return self.sees_all or bool(self.readable_unit_ids)

    @property
    def reads_several_units(self) -> bool:
        """Whether a page should compare units (a chart per unit) rather than describe one."""
        return self.sees_all or len(self.readable_unit_ids) > 1

    @property
    def readable_org_ids(self) -> frozenset[int]:
        return self.readable_unit_ids | self.zone_ids | self.city_ids

    def can_read_unit(self, unit_id: int | None) -> bool:
        return self.sees_all or unit_id in self.readable_unit_ids

    def can_manage_unit(self, unit_id: int | None) -> bool:
        return self.sees_all or unit_id in self.manageable_unit_ids

    # -- the same answers as ids, None meaning "all" (the city's administrators): for a query's filter
    def read_units(self) -> frozenset[int] | None:
        """The units whose data the actor reads; None: every unit."""
        return None if self.sees_all else self.readable_unit_ids

    def read_orgs(self) -> frozenset[int] | None:
        """The organisations the actor reads as an officer: the units, the own zones and the city (for a
        city administrator's role); None: every organisation."""
        return None if self.sees_all else self.readable_org_ids

    def manage_units(self) -> frozenset[int] | None:
        """The units the actor manages; None: every unit."""
        return None if self.sees_all else self.manageable_unit_ids

    def manage_orgs(self) -> frozenset[int] | None:
        """What the actor may run as an owner (a survey, a contest of its own): the managed units and the
        zones the actor leads; None: every organisation."""
        return None if self.sees_all else self.manageable_unit_ids | self.zone_ids

    @property
    def manages_any_unit(self) -> bool:
        """Manages some unit (a unit officer) or every unit (the city)."""
        return self.sees_all or bool(self.manageable_unit_ids)

    def can_read_org(self, org_id: int | None) -> bool:
        """Reads this organisation as an officer (a unit, the own zone, or anything for the city)."""
        return self.sees_all or org_id in self.readable_org_ids

    # -- for a model's rule once the city's administrators were answered (see ``city_reads_all``)
    def org_ids(self, *, manage: bool) -> frozenset[int]:
        """The units the actor manages (``manage``), or the organisations read as an officer: the units, the
        own zones and the city of a city administrator's role."""
        return self.manageable_unit_ids if manage else self.readable_org_ids

    def own_q(self, lookup: str = "member_id", *, manage: bool) -> models.Q:
        """The actor's own rows through ``lookup`` (a member's id, or a login's with ``user_id``): read, never
        managed, by that right alone; no row for a login without the record."""
        value = self.user_id if lookup.endswith("user_id") else self.member_id
        return models.Q(**{lookup: value}) if value is not None and not manage else NO_ROWS


#: No row: the Q that a rule returns for an actor without the right (and an OR drops harmlessly).
NO_ROWS = models.Q(pk__in=[])

ScopeRule = Callable[..., models.Q]


def city_reads_all(rule: ScopeRule) -> classmethod:
    """A model's ``scope_q``: the city's administrators read and manage every row; ``rule(cls, scope, manage=…)``
    decides for everyone else.

    The whole table is answered before the rule builds its branches, for two reasons: the Q for every row is
    ``Q()``, which vanishes inside an OR (``Q() | q`` is ``q``, see ``ids_q``), and none of the branches' joins
    should reach the administrator's query. Inside the rule, ``scope.sees_all`` is therefore false and the ids
    (``scope.org_ids(manage=…)``, ``read_orgs()``…) are never None."""

    @functools.wraps(rule)
    def scope_q(cls, scope: Scope, *, manage: bool) -> models.Q:
        if scope.sees_all:
            return models.Q()
        return rule(cls, scope, manage=manage)

    scope_q.city_reads_all = True  # (for the test that walks every such rule)
    return classmethod(scope_q)


def ids_q(lookup: str, ids: frozenset[int] | None) -> models.Q:
    """``lookup__in=ids`` as a Q: every row for None (see ``Scope.read_units``), no row for no ids.

    The Q for every row is ``Q()``, which vanishes inside an OR (``Q() | q`` is ``q``): combine only the
    answers for a limited scope, and return the whole table before combining."""
    if ids is None:
        return models.Q()
    return models.Q(**{f"{lookup}__in": ids}) if ids else NO_ROWS


def audience_q(scope: Scope, prefix: str = "") -> models.Q:
    """Things organised for a person (a contest, a quiz): the city's, the own zone's and the own unit's, by
    their ``organizer``. Nothing for a login without a member record."""
    if scope.member_unit_id is None:
        return NO_ROWS
    from .models import Organization, OrganizationKind

    zone_of_unit = Organization.objects.filter(children__id=scope.member_unit_id).values("pk")
    return (
        models.Q(**{f"{prefix}organizer__kind": OrganizationKind.CITY})
        | models.Q(**{f"{prefix}organizer_id": scope.member_unit_id})
        | models.Q(**{f"{prefix}organizer_id__in": zone_of_unit})
    )


def organiser_q(scope: Scope, prefix: str = "", *, manage: bool) -> models.Q:
    """Things an officer organises (``manage``: in the managed units; the city's and a zone's are the city
    administrators') or reads (the units read, the own zone's), by their ``organizer``. ``Q()`` (every row)
    for the city: see ``ids_q``."""
    return ids_q(f"{prefix}organizer_id", scope.manage_units() if manage else scope.read_orgs())


EMPTY = Scope()
_CACHE_ATTR = "_union_scope"


def scope_for(actor) -> Scope:
    """The actor's scope, computed once per user object (i.e. once per request)."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return EMPTY
    cached = getattr(actor, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from . import scopecache

    gen = None
    if scopecache.enabled():  # kept across requests, made stale by any change of roles or units
        kept, gen = scopecache.load(actor)
        if kept is not None:
            setattr(actor, _CACHE_ATTR, kept)
            return kept
    from .models import Member, Organization, Role, RoleAssignment

    with unscoped("computing the actor's own scope: their roles and their own record"):
        scope = _compute_scope(actor, Member, Organization, Role, RoleAssignment)
    setattr(actor, _CACHE_ATTR, scope)
    if gen is not None:
        scopecache.store(actor, scope, gen)
    return scope


def _compute_scope(actor, Member, Organization, Role, RoleAssignment) -> Scope:  # noqa: N803
    assignments = list(
        RoleAssignment.objects.filter(user=actor, organization__is_active=True).values_list("role", "organization_id")
    )
    roles = frozenset(r for r, _ in assignments)
    own = Member.objects.filter(user=actor).values_list("pk", "unit_id").first()
    member_id, member_unit_id = own if own else (None, None)
    audit_org_ids = frozenset(o for r, o in assignments if r == Role.FUNDS_AUDITOR)
    if actor.is_superuser or Role.CITY_ADMIN in roles:
        scope = Scope(
            sees_all=True,
            member_id=member_id,
            member_unit_id=member_unit_id,
            roles=roles,
            user_id=actor.pk,
            city_ids=frozenset(o for r, o in assignments if r == Role.CITY_ADMIN),
            audit_org_ids=audit_org_ids,
        )
    else:
        zone_ids = frozenset(o for r, o in assignments if r == Role.ZONE_LEAD)
        managed = frozenset(o for r, o in assignments if r == Role.UNIT_OFFICER)
        zone_units = (
            frozenset(Organization.objects.filter(parent_id__in=zone_ids).values_list("pk", flat=True))
            if zone_ids
            else frozenset()
        )
        scope = Scope(
            readable_unit_ids=managed | zone_units,
            manageable_unit_ids=managed,
            zone_ids=zone_ids,
            member_id=member_id,
            member_unit_id=member_unit_id,
            roles=roles,
            user_id=actor.pk,
            audit_org_ids=audit_org_ids,
            is_auditor=Role.AUDITOR in roles,
        )
    return scope


def forget_scope(actor) -> None:
    """Drop the cached scope (after the actor's roles changed), here and in the shared cache."""
    if hasattr(actor, _CACHE_ATTR):
        delattr(actor, _CACHE_ATTR)
    from . import scopecache

    scopecache.forget(actor)


def unit_require_read(*, actor, unit_id: int) -> None:
    if not scope_for(actor).can_read_unit(unit_id):
        raise Http404


def unit_require_manage(*, actor, unit_id: int) -> None:
    """404 outside the actor's scope, 403 inside it without the right to manage."""
    scope = scope_for(actor)
    if not scope.can_read_unit(unit_id):
        raise Http404
    if not scope.can_manage_unit(unit_id):
        raise PermissionDenied


def require_officer(*, actor) -> Scope:
    """Officer-only pages: plain members get 403."""
    scope = scope_for(actor)
    if not scope.is_officer:
        raise PermissionDenied
    return scope


def require_perm(*, actor, perm: str) -> None:
    if not actor.has_perm(perm):
        raise PermissionDenied


def require_city_admin(actor) -> Scope:
    """City-union administrators only: everyone else gets 403 (the page's existence is no secret)."""
    scope = scope_for(actor)
    if not scope.is_city_admin:
        raise PermissionDenied
    return scope


# --------------------------------------------------------------------------------------------------
# The rule in the models: ScopedManager, for_actor(), unscoped()


class ScopeError(RuntimeError):
    """A scoped model was queried without a scope: call ``.for_actor(actor)`` or say why with
    ``unscoped("…")``."""


#: None while the rule is enforced; the reason while a block reads without a scope.
_UNSCOPED: ContextVar[str | None] = ContextVar("union_unscoped_reason", default=None)


@contextmanager
def unscoped(reason: str) -> Iterator[None]:
    """Read scoped models without an actor's scope inside this block. The reason is required and is
    the justification a reviewer reads ("daily reminder scan: city-wide by design")."""
    if not reason or not reason.strip():
        raise ValueError("unscoped() needs the reason why this code reads every unit's data")
    token = _UNSCOPED.set(reason)
    try:
        yield
    finally:
        _UNSCOPED.reset(token)


@contextmanager
def scope_enforced() -> Iterator[None]:
    """The rule enforced inside this block, whatever an outer block said (requests, tasks, tests)."""
    token = _UNSCOPED.set(None)
    try:
        yield
    finally:
        _UNSCOPED.reset(token)


def unscoped_reason() -> str | None:
    return _UNSCOPED.get()


#: How a queryset came to be allowed: narrowed for an actor, reached from a parent object the
#: caller already holds, or empty.
_BY_ACTOR, _BY_PARENT, _EMPTY = "actor", "parent", "empty"


def _unit_lookup(path: str) -> str:
    return f"{path}__in" if path else "pk__in"


def default_scope_q(model, scope: Scope, *, manage: bool) -> models.Q:
    """The rows of ``model`` an actor may read (or manage), from its declared paths."""
    if scope.sees_all:
        return models.Q()
    path: str = model.scope_path
    units = scope.org_ids(manage=manage)
    q = models.Q(**{_unit_lookup(path): units}) if units else None
    owner: str | None = getattr(model, "scope_owner", None)
    if not manage and owner and scope.member_id:
        own_unit_path = "unit" if owner == "pk" else f"{owner}__unit"
        if not (path == own_unit_path and scope.member_unit_id in units):
            # The own rows; left out when the units already cover them, because the OR would keep
            # PostgreSQL from reading a unit's rows in order from its index.
            own = models.Q(**{owner: scope.member_id})
            q = own if q is None else q | own
    return q if q is not None else NO_ROWS


def scope_q(model, actor_or_scope, *, manage: bool = False) -> models.Q:
    """The actor's rows of a scoped model as a Q (for a subquery or an annotation's filter)."""
    scope = actor_or_scope if isinstance(actor_or_scope, Scope) else scope_for(actor_or_scope)
    custom = getattr(model, "scope_q", None)
    if custom is not None:
        return custom(scope, manage=manage)
    return default_scope_q(model, scope, manage=manage)


class ScopedQuerySet(models.QuerySet):
    """A queryset that refuses to touch the database unless it was scoped (see the module doc)."""

    _scope_by: str | None = None

    # -- how a queryset gets its scope
    def for_actor(self, actor, *, manage: bool = False):
        """The rows the actor may read, or with ``manage=True`` manage."""
        qs = self.filter(scope_q(self.model, actor, manage=manage))
        qs._scope_by = _BY_ACTOR
        return qs

    def via_parent(self):
        """Rows reached from a parent object the caller already holds through its own scope: for the
        queryset of a ``Prefetch`` on that parent, never for a list of its own."""
        qs = self._chain()
        qs._scope_by = _BY_PARENT
        return qs

    def none(self):
        qs = super().none()
        qs._scope_by = _EMPTY
        return qs

    def _clone(self):
        c = super()._clone()
        c._scope_by = self._scope_by
        return c

    # -- the check, on everything that touches the database
    def _require_scope(self) -> None:
        if self._scope_by is None and _UNSCOPED.get() is None:
            raise ScopeError(
                f"{self.model._meta.label} was queried without a scope: use "
                f"{self.model.__name__}.objects.for_actor(actor) or wrap the code in unscoped('why')."
            )

    def _fetch_all(self):
        if self._result_cache is None:
            self._require_scope()
        super()._fetch_all()

    def iterator(self, *args, **kwargs):
        self._require_scope()
        return super().iterator(*args, **kwargs)

    def count(self) -> int:
        if self._result_cache is None:
            self._require_scope()
        return super().count()

    def exists(self) -> bool:
        if self._result_cache is None:
            self._require_scope()
        return super().exists()

    def aggregate(self, *args, **kwargs) -> dict[str, Any]:
        self._require_scope()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs) -> int:
        self._require_scope()
        return super().update(**kwargs)

    def delete(self):
        self._require_scope()
        return super().delete()

    def in_bulk(self, *args, **kwargs):
        self._require_scope()
        return super().in_bulk(*args, **kwargs)

    def contains(self, obj) -> bool:
        self._require_scope()
        return super().contains(obj)

    def explain(self, *args, **kwargs) -> str:
        self._require_scope()
        return super().explain(*args, **kwargs)


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    """The default manager of every scoped model. A related manager (``member.honours``) inherits
    from it and is allowed: the parent object it hangs from was itself read through a scope."""

    def get_queryset(self):
        qs = super().get_queryset()
        if getattr(self, "instance", None) is not None:
            qs._scope_by = _BY_PARENT
        return qs

    def contribute_to_class(self, cls, name):
        super().contribute_to_class(cls, name)
        if not cls._meta.abstract and "_scope_checks_wrapped" not in cls.__dict__:
            _wrap_table_wide_checks(cls)


def _wrap_table_wide_checks(cls) -> None:
    """Django checks unique fields and constraints through the default manager; such a check must
    read the whole table (a card number is unique in the city, not in the actor's unit)."""
    for method in ("validate_unique", "validate_constraints"):
        original = getattr(cls, method)

        def wrapped(self, *args, _original=original, **kwargs):
            with unscoped("uniqueness and constraints hold across every unit: the check reads the whole table"):
                return _original(self, *args, **kwargs)

        setattr(cls, method, wrapped)
    cls._scope_checks_wrapped = True


def login_owned_rows(field: str):
    """``scope_q`` for rows that belong to one login and to nobody else (a notice, a preference, a
    report request): ``scope_q = login_owned_rows("recipient")``."""

    def rule(cls, scope: Scope, *, manage: bool) -> models.Q:
        return models.Q(**{f"{field}_id": scope.user_id}) if scope.user_id else NO_ROWS

    return classmethod(rule)


def is_scoped(model) -> bool:
    return isinstance(model._default_manager, ScopedManager) and hasattr(model, "scope_path")


def get_for_actor(model_or_qs, actor, *, manage: bool = False, **lookups):
    """One object the actor may read: 404 when it does not exist or lies outside the scope; with
    ``manage=True``, 403 when the actor may read it but not manage it."""
    qs = model_or_qs._default_manager.all() if isinstance(model_or_qs, type) else model_or_qs
    obj = qs.for_actor(actor).filter(**lookups).first()
    if obj is None:
        raise Http404
    if manage:
        require_manage(actor, obj)
    return obj


def _unit_id_of(obj) -> int | None:
    """The unit id of a row of a model with a plain ``scope_path`` (no custom rule)."""
    parts = obj.scope_path.split("__") if obj.scope_path else []
    if not parts:
        return obj.pk
    target = obj
    for part in parts[:-1]:
        target = getattr(target, part, None)
        if target is None:
            return None
    return getattr(target, f"{parts[-1]}_id", None)


def _row_in(model, actor, obj, *, manage: bool) -> bool:
    from .models import Organization

    if model is Organization:  # a unit itself: read through its zone or itself, managed by its officers
        scope = scope_for(actor)
        return scope.can_manage_unit(obj.pk) if manage else (scope.sees_all or obj.pk in scope.readable_org_ids)
    if getattr(model, "scope_q", None) is None:
        scope = scope_for(actor)
        if scope.sees_all:
            return True
        unit_id = _unit_id_of(obj)
        if manage:
            return unit_id in scope.manageable_unit_ids
        owner = getattr(model, "scope_owner", None)
        if owner and scope.member_id:
            own = obj.pk if owner == "pk" else _walk_id(obj, owner)
            if own == scope.member_id:
                return True
        return unit_id in scope.readable_org_ids
    return model._default_manager.for_actor(actor, manage=manage).filter(pk=obj.pk).exists()


def _walk_id(obj, path: str) -> int | None:
    parts = path.split("__")
    target = obj
    for part in parts[:-1]:
        target = getattr(target, part, None)
        if target is None:
            return None
    return getattr(target, f"{parts[-1]}_id", None)


def can_read(actor, obj) -> bool:
    """Whether the actor may read this row (or this unit): for a page that shows or hides a link."""
    return _row_in(type(obj), actor, obj, manage=False)


def can_manage(actor, obj) -> bool:
    """Whether the actor may manage this row (or this unit): for a page that shows or hides a button."""
    return _row_in(type(obj), actor, obj, manage=True)


def require_read(actor, obj) -> None:
    """404 unless the actor may read this row of a scoped model."""
    if not _row_in(type(obj), actor, obj, manage=False):
        raise Http404


def require_manage(actor, obj) -> None:
    """404 outside the actor's scope, 403 inside it without the right to manage this row."""
    model = type(obj)
    if not _row_in(model, actor, obj, manage=False):
        raise Http404
    if not _row_in(model, actor, obj, manage=True):
        raise PermissionDenied


class ScopeEnforcementMiddleware:
    """Every request runs with the rule enforced, whatever the code around it said (a test's
    ``unscoped`` block does not reach into the views it calls)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with scope_enforced():
            return self.get_response(request)
