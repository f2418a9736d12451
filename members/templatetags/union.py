"""Template tags every list page shares."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label, default_desc: bool = False):
    """A sortable column header: a click sorts by ``key``, a second click reverses; the arrow shows
    the current order. The view reads ``?sort=`` (``key`` or ``-key``) and puts ``sort`` in the context."""
    current = context.get("sort", "")
    request = context["request"]
    params = request.GET.copy()
    params.pop("page", None)
    if current == key:
        params["sort"], arrow = f"-{key}", " ▲"
    elif current == f"-{key}":
        params["sort"], arrow = key, " ▼"
    else:
        params["sort"], arrow = (f"-{key}" if default_desc else key), ""
    return format_html('<a href="?{}">{}{}</a>', params.urlencode(), label, arrow)
