"""Sections that other apps add to members' pages and to the dashboard.

The arrows point toward ``members``: activities, assistance and welfare register their
sections here from ``AppConfig.ready()``; members never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple


@dataclass(frozen=True)
class Section:
    key: str
    template: str
    #: (request, subject) -> context dict, or None to hide the section for this viewer.
    context: Callable[[Any, Any], dict | None]
    order: int = 100


_member_sections: dict[str, Section] = {}
_unit_sections: dict[str, Section] = {}
_dashboard_panels: dict[str, Section] = {}


def register_member_section(section: Section) -> None:
    """A section on a member's page; ``context(request, member)``."""
    _member_sections[section.key] = section


def register_unit_section(section: Section) -> None:
    """A section on an organisation's (unit's) page; ``context(request, organization)``."""
    _unit_sections[section.key] = section


def register_dashboard_panel(section: Section) -> None:
    """A panel on the home dashboard; ``context(request, scope)``."""
    _dashboard_panels[section.key] = section


def _render(sections: dict[str, Section], request, subject) -> list[dict]:
    out = []
    for section in sorted(sections.values(), key=lambda s: (s.order, s.key)):
        ctx = section.context(request, subject)
        if ctx is not None:
            out.append({"key": section.key, "template": section.template, "context": ctx})
    return out


def member_sections(request, member) -> list[dict]:
    return _render(_member_sections, request, member)


def unit_sections(request, organization) -> list[dict]:
    return _render(_unit_sections, request, organization)


def dashboard_panels(request, scope) -> list[dict]:
    return _render(_dashboard_panels, request, scope)


# --- Demo data -------------------------------------------------------------------------------
#: Callables ``seeder(*, stdout, rng)`` that other apps register to add their demo data after the
#: members exist (``seed_demo`` calls them in order; each must be idempotent).
_demo_seeders: list[tuple[int, Callable[..., None]]] = []


def register_demo_seeder(fn: Callable[..., None], order: int = 100) -> None:
    if all(existing is not fn for _, existing in _demo_seeders):
        _demo_seeders.append((order, fn))


def demo_seeders() -> list[Callable[..., None]]:
    return [fn for _, fn in sorted(_demo_seeders, key=lambda pair: pair[0])]


# --- Navigation ------------------------------------------------------------------------------
@dataclass(frozen=True)
class NavItem:
    key: str  # also the URL namespace that marks the item active
    label: Any  # a lazy translation
    url_name: str
    #: (scope, user) -> bool: whether the navbar offers the item to this person.
    visible: Callable[[Any, Any], bool] = lambda scope, user: True
    order: int = 100


_nav_items: dict[str, NavItem] = {}


def register_nav_item(item: NavItem) -> None:
    """A section in the navbar; each app registers its own from AppConfig.ready()."""
    _nav_items[item.key] = item


#: Callables ``(scope, user) -> frozenset of nav keys | None``: a login confined to a few pages (an outside
#: expert sees the judging pages and nothing else) is offered only those keys' items; None: not confined.
_nav_confinements: list[Callable[[Any, Any], frozenset[str] | None]] = []


def register_nav_confinement(fn: Callable[[Any, Any], frozenset[str] | None]) -> None:
    """An app that confines some logins to its own pages says which navbar items they keep (the items of
    every other app would lead them to a 404)."""
    if all(existing is not fn for existing in _nav_confinements):
        _nav_confinements.append(fn)


def nav_items(scope, user) -> list[NavItem]:
    items = [i for i in sorted(_nav_items.values(), key=lambda i: (i.order, i.key)) if i.visible(scope, user)]
    for confinement in _nav_confinements:
        keys = confinement(scope, user)
        if keys is not None:
            items = [i for i in items if i.key in keys]
    return items


# --- Report sheets -----------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportSheet:
    """One sheet of the yearly report workbook (the reports app builds it sheet by sheet).

    ``builder(writer, *, actor, year, organization)`` writes the sheet through a
    ``members.workbook.SheetWriter``; ``organization`` is the city, a liaison zone or a unit
    (``members.workbook.report_units`` gives its units). A builder reads with database aggregates:
    a fixed number of queries whatever the number of members.
    """

    key: str
    title: Any  # a lazy translation: the sheet's name (at most 31 characters)
    builder: Callable[..., None]
    order: int = 100


_report_sheets: dict[str, ReportSheet] = {}


def register_report_sheet(sheet: ReportSheet) -> None:
    _report_sheets[sheet.key] = sheet


def report_sheets() -> list[ReportSheet]:
    return sorted(_report_sheets.values(), key=lambda s: (s.order, s.key))


# --- Personal data ("download my data") --------------------------------------------------------
@dataclass(frozen=True)
class PersonalDataSection:
    key: str
    title: Any  # a lazy translation: the sheet's name
    #: member -> (headers, rows): everything of this app about the member, and only about them.
    rows: Callable[[Any], tuple[list, list[list]]]
    order: int = 100


_personal_data_sections: dict[str, PersonalDataSection] = {}


def register_personal_data_section(key: str, title, rows_fn: Callable[[Any], tuple[list, list[list]]], order=100):
    """A sheet of the member's own-data download; each app registers its own from AppConfig.ready()."""
    _personal_data_sections[key] = PersonalDataSection(key, title, rows_fn, order)


def personal_data_sections() -> list[PersonalDataSection]:
    return sorted(_personal_data_sections.values(), key=lambda s: (s.order, s.key))


# --- notices from members (members imports no other app: notifications fills this in its ready()) ----------
#: One registry for every notice members sends (a duplicate in another unit, corrections, the retention job, a
#: reset of the own login, a transfer step): ``fn(*, recipient_id, kind, key, title, body="", url="",
#: email=False)``. ``email=True`` marks a notice about the person's own account, e-mailed to any address the
#: person gave whatever they chose for other notices (issue 16: "told at once, inbox and e-mail").
_notifier: Callable[..., Any] | None = None


def register_notifier(fn: Callable[..., Any]) -> None:
    """The notifications app registers its sender (``notifications.services.members_notice``)."""
    global _notifier
    _notifier = fn


def notify(
    *, recipient_ids, kind: str, key: str, title: str, body: str = "", url: str = "", email: bool = False
) -> int:
    """Send a notice to each recipient once per key (nothing when the notifications app is not installed)."""
    if _notifier is None:
        return 0
    sent = 0
    for rid in recipient_ids:
        sent += (
            _notifier(recipient_id=rid, kind=kind, key=f"{key}:{rid}", title=title, body=body, url=url, email=email)
            is not None
        )
    return sent


# --- Gift suggestions ------------------------------------------------------------------------
class GiftSuggestion(NamedTuple):
    """A gift the staff chose (the winning option of a closed festival-gift survey) that a welfare batch can
    take as its item."""

    label: str  # what the choice shows: the survey, the option and its votes
    item: str  # the text for the batch's item
    source: str  # where it comes from (the survey's title)


#: Callables ``fn(actor, unit) -> list[GiftSuggestion]``: each reads only what the actor may read.
_gift_suggestion_sources: list[Callable[[Any, Any], list[GiftSuggestion]]] = []


def register_gift_suggestion_source(fn: Callable[[Any, Any], list[GiftSuggestion]]) -> None:
    """A source of gift suggestions (surveys registers the closed gift surveys' winners from AppConfig.ready())."""
    if all(existing is not fn for existing in _gift_suggestion_sources):
        _gift_suggestion_sources.append(fn)


def gift_suggestions(actor, unit=None) -> list[GiftSuggestion]:
    """The gifts suggested to the actor (for ``unit``, or for every unit the actor reads when None)."""
    return [suggestion for fn in _gift_suggestion_sources for suggestion in fn(actor, unit)]


# --- Training hours from other apps (care's training records) ----------------------------------
#: The columns of every training source's rows, in this order: care unions them with its typed records.
#: member id, member's name, unit's name, course, date, hours (Decimal), the union officers' training (bool),
#: kind (care's TrainingKind value), source ("record" typed by an officer, "attendance" counted from a check-in),
#: and the id of the row in its source (a record, an activity).
TRAINING_COLUMNS = (
    "t_member",
    "t_member_name",
    "t_unit_name",
    "t_title",
    "t_on",
    "t_hours",
    "t_officer",
    "t_kind",
    "t_source",
    "t_ref",
)

#: Callables ``fn(*, actor, members, start, end) -> QuerySet``: a ``values(*TRAINING_COLUMNS)`` queryset (one
#: query, no ordering) of the trainings attended between ``start`` and ``end`` (dates, inclusive), read through
#: the actor's scope, by the members of ``members`` (a Member queryset the caller scoped; None: not narrowed
#: beyond the actor's scope). The columns are annotations, so a caller may filter on them (``t_member``, ``t_on``,
#: ``t_officer``) in a subquery.
_training_sources: list[Callable[..., Any]] = []


def register_training_source(fn: Callable[..., Any]) -> None:
    """A source of attended trainings (activities registers the check-ins of training classes)."""
    if all(existing is not fn for existing in _training_sources):
        _training_sources.append(fn)


def training_sources() -> list[Callable[..., Any]]:
    return list(_training_sources)
