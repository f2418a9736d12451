"""The activity pages' hot spots written in one pass (issue #23), as ``{% member_rows %}`` does for the member
list: the participants page's rows (a hundred registrations through the template engine, six cells, a dozen
translations, a ``{% url %}``, a CSRF token and a confirmation text each, were three quarters of the page's
time) and the calendar's month grid (42 days, each with its activities).

    {% load activity_pages %}
    <tbody>{% participant_rows page %}</tbody>
    ...
    {% participant_cancel_forms page %}
    <tbody>{% calendar_weeks weeks %}</tbody>
    <tbody>{% activity_rows page %}</tbody>
"""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from activities.models import Activity, EntryStatus, Registration
from members.choices import labels
from members.templatetags.lists import cell_labels, local_time, pk_url

register = template.Library()

_ROW = (
    '<tr data-testid="participant-row">'
    '<td data-label="{l_name}">{name}</td>'
    '<td data-label="{l_unit}">{unit}</td>'
    '<td data-label="{l_team}">{team}</td>'
    '<td data-label="{l_status}">{status}</td>'
    '<td data-label="{l_attended}">{attended}</td>'
    "<td>{cancel}</td>"
    "</tr>"
)
_ATTENDED = (
    '<input type="hidden" name="shown" value="{pk}">'
    '<input class="form-check-input" type="checkbox" name="attended" value="{pk}" aria-label="{label}"{checked}>'
    ' <span class="small text-muted">{at}</span>'
)
_CANCEL = '<button class="btn btn-link btn-sm text-danger p-0" form="cancel-{pk}">{label}</button>'
_CANCEL_FORM = (
    '<form id="cancel-{pk}" method="post" action="{action}" data-confirm="{confirm}">{csrf}'
    '<input type="hidden" name="next" value="participants"></form>'
)


def _cancellable(r: dict) -> bool:
    return r["team_id"] is None and r["status"] != EntryStatus.CANCELLED


def _position(r: dict) -> str:
    position = r["waitlist_position"] or r["team__waitlist_position"]
    return f" #{position}" if position else ""


@register.simple_tag
def participant_rows(registrations) -> str:
    """The table's rows, from rows of ``selectors.PARTICIPANT_ROW_VALUES``: name, unit, team, status with the
    waitlist place, the attendance tick of a confirmed registration (with its time of check-in), and the cancel
    button of a registration of one's own."""
    if not registrations:
        return ""
    column = cell_labels(
        l_name=gettext("Name"),
        l_unit=gettext("Unit"),
        l_team=gettext("Team"),
        l_status=gettext("Status"),
        l_attended=gettext("Attended"),
    )
    attended_label, cancel_label = column["l_attended"], escape(gettext("Cancel"))
    statuses = labels(Registration, "status")
    rows = []
    for r in registrations:
        attended = ""
        if r["status"] == EntryStatus.CONFIRMED:
            at = r["attended_at"]
            attended = _ATTENDED.format(
                pk=r["pk"],
                label=attended_label,
                checked=" checked" if at else "",
                at=local_time(at, "%H:%M"),
            )
        rows.append(
            _ROW.format(
                **column,
                name=escape(r["member__name"]),
                unit=escape(r["member__unit__name"]),
                team=escape(r["team__name"]) if r["team__name"] else "—",
                status=escape(str(statuses.get(r["status"], r["status"]))) + _position(r),
                attended=attended,
                cancel=_CANCEL.format(pk=r["pk"], label=cancel_label) if _cancellable(r) else "",
            )
        )
    return mark_safe("\n".join(rows))  # noqa: S308 -- every value escaped above (ids, positions and times are ours)


@register.simple_tag(takes_context=True)
def participant_cancel_forms(context, registrations) -> str:
    """One small form per cancel button (a form cannot sit inside the attendance form), each asking first."""
    if not any(_cancellable(r) for r in registrations):
        return ""
    token = str(context.get("csrf_token") or "")
    csrf = ""  # as {% csrf_token %}: nothing without a token
    if token and token != "NOTPROVIDED":
        csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'
    action = pk_url("activities:registration_cancel")
    confirm = gettext("Cancel the registration of %(name)s?")
    return mark_safe(  # noqa: S308 -- every value escaped
        "".join(
            _CANCEL_FORM.format(
                pk=r["pk"],
                action=action.format(r["pk"]),
                confirm=escape(confirm % {"name": r["member__name"]}),
                csrf=csrf,
            )
            for r in registrations
            if _cancellable(r)
        )
    )


_DAY = (
    '<td class="align-top{muted}{today}" style="width:14.28%;height:6rem"><div class="small fw-semibold">{day}</div>'
    "{items}</td>"
)
_DAY_ITEM = (
    '<a class="d-block small text-truncate badge text-bg-danger text-start mb-1" href="{url}" title="{title}">'
    "{time} {title}</a>"
)


@register.simple_tag
def calendar_weeks(weeks) -> str:
    """The month grid's rows: ``weeks`` as the calendar view builds them (each day a dict of its date, whether it is
    in the month and today, and its activities); each activity a link with its local start time and title."""
    detail = pk_url("activities:detail")
    rows = []
    for week in weeks:
        cells = []
        for d in week:
            items = "".join(
                _DAY_ITEM.format(
                    url=detail.format(a.pk),
                    title=escape(a.title),
                    time=local_time(a.starts_at, "%H:%M"),
                )
                for a in d["items"]
            )
            cells.append(
                _DAY.format(
                    muted="" if d["in_month"] else " text-muted bg-light",
                    today=" table-warning" if d["today"] else "",
                    day=d["date"].day,
                    items=items,
                )
            )
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return mark_safe("".join(rows))  # noqa: S308 -- titles escaped; days, ids and times are ours


_ACTIVITY_ROW = (
    '<tr data-testid="activity-row">'
    '<td data-label="{l_title}"><a href="{url}">{title}</a></td>'
    '<td data-label="{l_kind}">{kind}</td>'
    '<td data-label="{l_organiser}">{organiser}</td>'
    '<td data-label="{l_starts}">{starts}</td>'
    '<td data-label="{l_place}">{place}</td>'
    '<td data-label="{l_places}">{taken} / {capacity}</td>'
    "</tr>"
)


@register.simple_tag
def activity_rows(activities) -> str:
    """The activity list's rows: title (linking to the activity), kind, organiser, local start, place, and the
    places taken (teams in a team competition; ``confirmed`` and ``confirmed_teams`` annotated by
    ``selectors.activity_list``) of the capacity (∞ without a limit)."""
    if not activities:
        return ""
    column = cell_labels(
        l_title=gettext("Title"),
        l_kind=gettext("Kind"),
        l_organiser=gettext("Organiser"),
        l_starts=gettext("Starts at"),
        l_place=gettext("Place"),
        l_places=gettext("Places"),
    )
    detail = pk_url("activities:detail")
    kinds = labels(Activity, "kind")
    return mark_safe(  # noqa: S308 -- every value escaped (ids, counts and times are ours)
        "\n".join(
            _ACTIVITY_ROW.format(
                **column,
                url=detail.format(a.pk),
                title=escape(a.title),
                kind=escape(str(kinds.get(a.kind, a.kind))),
                organiser=escape(a.organizer.name),
                starts=local_time(a.starts_at, "%Y-%m-%d %H:%M"),
                place=escape(a.place),
                taken=a.confirmed_teams if a.mode == "team" else a.confirmed,
                capacity=a.capacity or "∞",
            )
            for a in activities
        )
    )
