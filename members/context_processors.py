from .registry import nav_items
from .scoping import scope_for


def union_scope(request):
    """`union_scope` and the navbar's `nav_items` in every template."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    scope = scope_for(user)
    return {"union_scope": scope, "nav_items": nav_items(scope, user) if user.is_authenticated else []}
