"""The actor's scope kept across requests (issue #23): computed once, then read from the shared cache.

``members.scoping.scope_for`` computes an actor's scope with two queries (the roles, the own member
record) on every request; here it is kept in the cache (Redis), keyed by the login, beside a
*generation* token. Every change that can alter anyone's scope replaces the token, so every kept scope
is stale at once and the next request of each actor computes it again:

- a role given, changed or taken away (``RoleAssignment`` saved or deleted);
- an organisation saved or deleted (a unit moved to another zone, closed or reopened);
- a member record with a login saved or deleted (the own unit, the own record), and a login linked to
  or unlinked from a member record;
- a login saved for anything but its last-login time (superuser, active);
- ``forget_scope(user)`` (the services call it after changing roles or moving a member).

The token is replaced both at once and again when the transaction commits: a request that read the
database before the commit and stored what it saw under the new token is made stale by the second
replacement. Bulk writes that bypass the model signals (``QuerySet.update``, ``bulk_update``) on these
tables must call :func:`bump` themselves (none in the portal's own code does so today). A kept scope
also expires after ``SCOPE_CACHE_SECONDS`` (setting; 0 switches this off, the default without Redis,
because a per-process cache would not be shared with the Celery worker). Reading costs one round
trip to the cache (the token and the user's entries together).

The login's permissions (what Django's ModelBackend reads with two queries the first time a request asks
``has_perm``) are kept beside the scope under the same token (``KeptPermissionsMiddleware`` stores them at the
end of the request that computed them), and go stale with it; the token is also replaced when a login's groups
or own permissions, a group's permissions, a group or a permission change, and after migrations.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from .generation import Generation

_PREFIX = "union-scope"


def enabled() -> bool:
    return getattr(settings, "SCOPE_CACHE_SECONDS", 0) > 0


GENERATION = Generation(_PREFIX, enabled)


def _user_key(user) -> str:
    # The join time too: a recreated database hands the same primary key to someone else.
    return f"{_PREFIX}:{connection.settings_dict['NAME']}:{user_key_part(user)}"


def _perm_key(user) -> str:
    return f"{_user_key(user)}:perms"


#: Attributes on the login object of a request: the generation read before anything was computed, and whether
#: its permissions came from the cache (then nothing is stored again).
_GEN_ATTR, _KEPT_PERMS_ATTR = "_union_scope_gen", "_union_perms_kept"


def load(user):
    """(scope or None, generation to store a fresh scope under). The login's permissions kept under the same
    generation are put where Django's ModelBackend keeps them for the request (``_perm_cache``); the values other
    apps keep beside the scope (``keep_beside``) are read in the same round trip."""
    gen_key, user_key, perm_key = GENERATION.key(), _user_key(user), _perm_key(user)
    beside_keys = {name: key_for(user) for name, key_for in _BESIDE.items()}
    got = cache.get_many([gen_key, user_key, perm_key, *beside_keys.values()])
    setattr(user, _BESIDE_ATTR, {name: got.get(key) for name, key in beside_keys.items()})
    gen = got.get(gen_key)
    if gen is None:
        gen = GENERATION.start()
        if gen is None:
            return None, None  # someone else set it first (or the cache is down): compute, keep nothing
        setattr(user, _GEN_ATTR, gen)
        return None, gen
    setattr(user, _GEN_ATTR, gen)
    perms = got.get(perm_key)
    if perms is not None and perms[0] == gen and not hasattr(user, "_perm_cache"):
        user._perm_cache = set(perms[1])
        setattr(user, _KEPT_PERMS_ATTR, True)
    entry = got.get(user_key)
    if entry is not None and entry[0] == gen:
        return entry[1], gen
    return None, gen


#: Other apps' per-login values read with the scope in one round trip: name → the cache key for a login.
_BESIDE: dict = {}
_BESIDE_ATTR = "_union_beside"


def keep_beside(name: str, key_for) -> None:
    """Read ``key_for(user)`` from the cache together with the scope at the start of every request (members
    imports no other app: the notifications app registers its unread count here). The app keeps and invalidates
    its own value; :func:`beside` gives what was read."""
    _BESIDE[name] = key_for


def beside(user, name: str):
    """What the request's first cache read found under ``keep_beside(name, …)``, or None (not kept, not read)."""
    return getattr(user, _BESIDE_ATTR, {}).get(name)


def user_key_part(user) -> str:
    """The part of a per-login cache key that tells a login from a later one with the same primary key."""
    joined = int(user.date_joined.timestamp() * 1_000_000) if getattr(user, "date_joined", None) else 0
    return f"u{user.pk}:{joined}"


def store(user, scope, gen) -> None:
    if gen is not None:
        cache.set(_user_key(user), (gen, scope), settings.SCOPE_CACHE_SECONDS)


def store_perms(user) -> None:
    """Keep the permissions Django computed for this login in this request, under the generation read at the
    request's start (before they were computed: a change committed in between has replaced it already)."""
    gen = getattr(user, _GEN_ATTR, None)
    if gen is None or getattr(user, _KEPT_PERMS_ATTR, False) or not hasattr(user, "_perm_cache"):
        return
    cache.set(_perm_key(user), (gen, frozenset(user._perm_cache)), settings.SCOPE_CACHE_SECONDS)


#: What this process derived from a kept scope (the unit choices of a filter bar), by database, generation, login
#: and name: stale with the generation like the scope itself, so it needs no invalidation of its own.
_LOCAL: dict[tuple, object] = {}
_LOCAL_MAX = 2048


def kept_locally(user, name: str, compute):
    """``compute()`` once per generation for this login in this process (issue #23): for what follows from the
    scope and the organisation tree only, which every change of either makes stale by replacing the generation.
    Without a kept generation (the scope cache off, the cache down) it is computed every time."""
    gen = getattr(user, _GEN_ATTR, None)
    if gen is None:
        return compute()
    key = (connection.settings_dict["NAME"], gen, user_key_part(user), name)
    try:
        return _LOCAL[key]
    except KeyError:
        pass
    value = compute()
    if len(_LOCAL) >= _LOCAL_MAX:
        _LOCAL.clear()
    _LOCAL[key] = value
    return value


def bump() -> None:
    """Make every kept scope stale, now and again when the current transaction commits."""
    GENERATION.bump()


def forget(user) -> None:
    if enabled() and user is not None and user.pk is not None:
        bump()


# --- The signals that bump it (connected in MembersConfig.ready) -------------------------------------
def _on_change(sender, **kwargs) -> None:
    bump()


def _on_member_change(sender, instance, **kwargs) -> None:
    fields = kwargs.get("update_fields")
    # A record with a login; a full save (the form, the admin: it may have unlinked the login); the
    # login field itself. A partial save of a record without a login changes nobody's scope.
    if instance.user_id is not None or fields is None or "user" in fields:
        bump()


def _on_user_save(sender, instance, **kwargs) -> None:
    fields = kwargs.get("update_fields")
    if fields is not None and set(fields) <= {"last_login", "password"}:
        return  # a login or a new password changes no scope
    if not kwargs.get("created"):
        bump()


def _on_m2m(sender, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        bump()


def _on_migrate(sender, **kwargs) -> None:
    bump()  # a migration may have given a group new permissions


def also_changed_by(model) -> None:
    """Every save or delete of ``model`` makes the kept scopes (and what is kept with them: permissions, filter
    bars, the navbar) stale: for rows of other apps that decide what a login is offered (an outside expert's row,
    which confines the login's navbar to the score sheets)."""
    GENERATION.bumped_by(model)


def connect() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

    from .models import Member, Organization, RoleAssignment

    User = get_user_model()
    # The permissions kept beside the scope: a login's groups and own permissions, a group's permissions.
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(_on_m2m, sender=through, dispatch_uid=f"scopecache-m2m-{through.__name__}")
    post_migrate.connect(_on_migrate, dispatch_uid="scopecache-migrate")
    for model in (RoleAssignment, Organization, Group, Permission):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"scopecache-save-{model.__name__}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"scopecache-delete-{model.__name__}")
    post_save.connect(_on_member_change, sender=Member, dispatch_uid="scopecache-save-member")
    post_delete.connect(_on_member_change, sender=Member, dispatch_uid="scopecache-delete-member")
    post_save.connect(_on_user_save, sender=User, dispatch_uid="scopecache-save-user")
    post_delete.connect(_on_change, sender=User, dispatch_uid="scopecache-delete-user")
