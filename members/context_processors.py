from .scoping import scope_for


def union_scope(request):
    """`union_scope` in every template: which sections the navbar offers."""
    user = getattr(request, "user", None)
    return {"union_scope": scope_for(user)} if user is not None else {}
