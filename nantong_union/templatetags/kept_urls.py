"""``{% url %}`` without arguments, reversed once per process (issue #23).

The layout alone reverses about thirty names on every page (the menu, the person's menu, the language form),
each a walk through the URL resolver; a name without arguments always gives the same address for the same URL
configuration, script prefix and application namespace, so it is kept under those. With arguments the tag is
Django's own. Installed as a template builtin (``TEMPLATES[…]["OPTIONS"]["builtins"]``), so it replaces the
``url`` tag in every template, Django's admin's included.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()
_KEPT: dict[tuple, str] = {}


class KeptURLNode(URLNode):
    def render(self, context):
        if self.args or self.kwargs:
            return super().render(context)
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        key = (view_name, current_app, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
        url = _KEPT.get(key)
        if url is None:
            try:
                url = reverse(view_name, current_app=current_app)
            except NoReverseMatch:
                if self.asvar is None:
                    raise
                url = ""
            else:
                _KEPT[key] = url
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)
