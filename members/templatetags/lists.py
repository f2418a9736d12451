"""The list pages' hot spots, written out in one pass (issue #23): the filter bar and choice labels.

``{{ form.unit|as_crispy_field }}`` renders a field through crispy's template and then Django's widget
templates, one template per ``<option>``: on the member list that was a third of the page's rendering
time for seven fields. ``{% filter_field form.unit %}`` writes the same Bootstrap markup (the wrapper
``div_id_<name>``, the label, ``form-control``/``form-select``, the error under the field) directly, with
every value escaped. Widgets it does not know (a checkbox, a radio list, a file) fall back to crispy.

    {% load lists %}
    <div class="col-6 col-md-4">{% filter_field form.unit %}</div>

``{{ m|choice:"gender" }}`` is ``{{ m.get_gender_display }}`` from a table built once per field and
language (Django's method flattens the choices and translates the label on every call: 300 calls on a
page of 100 members).
"""

from __future__ import annotations

from html import escape as _html_escape

from django import forms, template
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language

from ..choices import labels

register = template.Library()

_INPUTS = (forms.TextInput, forms.NumberInput, forms.DateInput, forms.EmailInput, forms.URLInput)


@register.filter
def choice(obj, name: str):
    """The label of a choice field's value, as ``get_<name>_display`` gives it."""
    value = getattr(obj, name)
    try:
        return labels(type(obj), name).get(value, value)
    except TypeError:  # an unhashable value: Django's own way
        return getattr(obj, f"get_{name}_display")()


#: Stands for a per-request part inside a kept fragment while it is rendered: ``\x1e<n>\x1e``.
_MARK = "\x1e"


class KeptNode(template.Node):
    def __init__(self, nodelist, name: str, vary):
        self.nodelist, self.name, self.vary = nodelist, name, vary

    def _render_kept(self, context) -> tuple[str, tuple]:
        """The fragment with a mark in place of each ``{% per_request %}`` part, and those parts' nodes."""
        marks: list[PerRequestNode] = []
        with context.push(_kept_marks=marks):
            html = self.nodelist.render(context)
        if html.count(_MARK) != 2 * len(marks):  # the character in the content itself: keep nothing of it
            return self.nodelist.render(context), ()
        return html, tuple(marks)

    def render(self, context):
        request = context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.nodelist.render(context)
        from members.scopecache import kept_locally

        vary = tuple(str(v.resolve(context)) for v in self.vary)
        key = f"fragment:{self.name}:{get_language()}:{vary!r}"
        html, marks = kept_locally(user, key, lambda: self._render_kept(context))
        if not marks:
            return html
        parts = html.split(_MARK)
        for i in range(1, len(parts), 2):
            parts[i] = marks[int(parts[i])].nodelist.render(context)
        return mark_safe("".join(parts))  # noqa: S308 -- rendered templates, each part escaped by its template


class PerRequestNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        marks = context.get("_kept_marks")
        if marks is None:
            return self.nodelist.render(context)
        marks.append(self)
        return f"{_MARK}{len(marks) - 1}{_MARK}"


@register.tag
def per_request(parser, token):
    """Inside ``{% kept_with_scope %}``: a part rendered on every request, not kept with the fragment (a CSRF
    token, the page's own address, a count that changes without the scope changing).

        {% kept_with_scope "navbar" … %}… {% per_request %}{% csrf_token %}{% endper_request %}…{% endkept_with_scope %}

    Outside a kept fragment it is its content."""
    nodelist = parser.parse(("endper_request",))
    parser.delete_first_token()
    return PerRequestNode(nodelist)


@register.tag
def kept_with_scope(parser, token):
    """A fragment rendered once per login, scope generation, language and the given values, in this process
    (issue #23): for what follows only from those, like a filter bar (its choices come from the scope and the
    organisation tree, its values from the query string) or the navbar (with its per-request parts in
    ``{% per_request %}``). Every change of roles or organisations replaces the generation (members.scopecache),
    so the fragment is rendered again.

        {% kept_with_scope "member-filters" request.GET.urlencode %}<form>…</form>{% endkept_with_scope %}"""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("kept_with_scope needs a name")
    nodelist = parser.parse(("endkept_with_scope",))
    parser.delete_first_token()
    return KeptNode(nodelist, bits[1].strip("\"'"), [parser.compile_filter(b) for b in bits[2:]])


def _esc(value) -> str:
    """Django's ``conditional_escape`` for the plain values of a row (the same characters escaped), without its
    lazy-argument wrapper and a SafeString per cell: hundreds of calls on a list page."""
    if isinstance(value, SafeData):
        return str(value)
    return _html_escape(str(value))


def cell_labels(**texts) -> dict[str, str]:
    """The column labels of a row-writing tag, translated by the caller once per page and escaped once (each is
    repeated in every row's ``data-label`` for the phone layout)."""
    return {key: _html_escape(str(text)) for key, text in texts.items()}


def pk_url(name: str) -> str:
    """The URL of ``name`` for any primary key, as a ``str.format`` pattern: ``pk_url("voice:detail").format(pk)``.
    One ``reverse()`` per page instead of one per row."""
    return reverse(name, args=[0]).replace("/0/", "/{}/")


def local_time(moment, fmt: str) -> str:
    """``moment`` in the current time zone as ``fmt`` (what ``|date`` and ``|time`` show); "" without one."""
    return timezone.localtime(moment).strftime(fmt) if moment else ""


def _css(widget) -> str:
    if isinstance(widget, forms.Select):
        return "select form-select"
    if isinstance(widget, forms.NumberInput):
        return "numberinput form-control"
    if isinstance(widget, forms.DateInput):
        return "dateinput form-control"
    return "textinput form-control"


def _options(field):
    value = field.value()
    values = {"" if v is None else str(v) for v in (value if isinstance(value, (list, tuple)) else [value])}
    rows = []
    for option_value, label in field.field.choices:
        if isinstance(label, (list, tuple)):
            return None  # an optgroup: left to crispy
        text = "" if option_value is None else str(option_value)
        selected = " selected" if text in values else ""
        rows.append(f'<option value="{_esc(text)}"{selected}>{_esc(label)}</option>')
    return mark_safe("\n".join(rows))  # noqa: S308 -- every value escaped above


def _crispy(field):
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    return as_crispy_field(field)


@register.simple_tag
def filter_field(field, label: bool = True):
    """One field of a filter bar: label, input or select, and its error, in crispy's Bootstrap 5 markup."""
    widget = field.field.widget
    if not isinstance(widget, (*_INPUTS, forms.Select)) or isinstance(widget, forms.SelectMultiple):
        return _crispy(field)
    attrs = field.build_widget_attrs(dict(widget.attrs))
    attrs["id"] = field.auto_id
    errors = field.errors
    css = _css(widget) + (" " + attrs.pop("class") if attrs.get("class") else "") + (" is-invalid" if errors else "")
    attrs["class"] = css
    if isinstance(widget, forms.Select):
        options = _options(field)
        if options is None:
            return _crispy(field)
        control = format_html('<select name="{}"{}>\n{}\n</select>', field.html_name, flatatt(attrs), options)
    else:
        attrs["type"] = widget.input_type
        value = widget.format_value(field.value())
        if value is not None and value != "":
            attrs["value"] = value
        if getattr(field.field, "max_length", None) and "maxlength" not in attrs:
            attrs["maxlength"] = str(field.field.max_length)
        control = format_html('<input name="{}"{}>', field.html_name, flatatt(attrs))
    required = field.field.required
    head = ""
    if label and field.label:
        head = format_html(
            '<label for="{}" class="form-label{}">{}{}</label>',
            field.id_for_label,
            " requiredField" if required else "",
            field.label,
            mark_safe('<span class="asteriskField">*</span>') if required else "",
        )
    feedback = ""
    if errors:
        messages = format_html_join(
            "", '<p id="error_{}_{}"><strong>{}</strong></p>', ((i, field.auto_id, m) for i, m in enumerate(errors, 1))
        )
        feedback = format_html('<div id="{}_error" class="invalid-feedback">{}</div>', field.auto_id, messages)
    if field.help_text:  # crispy writes it unescaped too (help texts are the code's own strings)
        feedback += format_html(
            '<div id="{}_helptext" class="form-text">{}</div>',
            field.auto_id,
            mark_safe(field.help_text),  # noqa: S308 (as crispy: |safe)
        )
    wrapper = "mb-3" + (f" {field.css_classes()}" if field.css_classes() else "")
    return format_html('<div id="div_{}" class="{}">{}{}{}</div>', field.auto_id, wrapper, head, control, feedback)


_MEMBER_ROW = (
    '<tr data-testid="member-row">'
    '<td data-label="{0}"><a href="{1}{2}/">{3}</a></td>'
    '<td data-label="{4}">{5}</td>'
    '<td data-label="{6}">{7}</td>'
    '<td data-label="{8}">{9}</td>'
    '<td data-label="{10}" class="font-monospace">{11}</td>'
    '<td data-label="{12}">{13}</td>'
    '<td data-label="{14}">{15}</td>'
    '<td data-label="{16}">{17}</td>'
    "</tr>"
)


@register.simple_tag
def member_rows(members, list_url: str, *labels):
    """The member list's rows written in one pass (issue #23): a hundred rows of eight cells through the
    template engine were a third of the page's time. ``labels``: the eight column labels, in order.

        {% member_rows page list_url l_name l_gender l_unit l_card l_id l_employment l_join l_status as rows %}"""
    if not members:
        return ""
    name, gender, unit, card, id_number, employment, joined, status = map(_esc, labels)
    list_url = _esc(list_url)
    rows = [
        _MEMBER_ROW.format(
            name,
            list_url,
            m.pk,
            _esc(m.name),
            gender,
            _esc(choice(m, "gender")),
            unit,
            _esc(m.unit.name),
            card,
            _esc(m.card_number),
            id_number,
            _esc(m.id_number_masked),
            employment,
            _esc(choice(m, "employment_type")),
            joined,
            m.join_date.isoformat() if m.join_date else "",
            status,
            _esc(choice(m, "status")),
        )
        for m in members
    ]
    return mark_safe("\n".join(rows))  # noqa: S308 -- every value escaped above (the id and the date are ours)
