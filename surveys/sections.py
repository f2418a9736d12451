"""What the surveys app shows on others' pages."""

from __future__ import annotations

from django.utils.translation import gettext as _

from members.scoping import can_manage, unscoped

from . import selectors


def named_answers(request, member):
    """A named survey's answers show on the person's record to the officers of the unit (and the city) only."""
    if not can_manage(request.user, member):
        return None
    responses = selectors.named_responses_of(member)
    return {"responses": responses} if responses else None


def dashboard_panel(request, scope):
    surveys = [s for s in selectors.open_for_me(actor=request.user) if not s.answered]
    return {"surveys": surveys[:5]} if surveys else None


def personal_rows(member) -> tuple[list, list[list]]:
    headers = [_("survey"), _("question"), _("answer")]
    rows = []
    with unscoped("the member's own download: the member's own named answers only"):
        for r in selectors.named_responses_of(member):
            for a in r.answers.all():
                value = a.option.label if a.option else (a.value if a.value is not None else a.text)
                rows.append([r.survey.title, a.question.text, value])
    return headers, rows
