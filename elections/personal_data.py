"""The member's own data in the elections app: candidacies, the nominations the member made, and the rounds
the member was on the roll of (whether the member voted; never how: the ballots carry no name)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from members.scoping import unscoped

from .models import Candidate, Nomination, VoteCast, Voter


def rows(member) -> tuple[list, list[list]]:
    headers = [_("election"), _("round"), _("what"), _("detail")]
    out = []
    with unscoped("the member's own download: rows about this member only"):
        for c in Candidate.objects.filter(member=member).select_related("race__election"):
            out.append([c.race.election.title, c.race.round, _("candidate"), c.race.get_post_display()])
        for n in Nomination.objects.filter(nominator=member).select_related("race__election", "nominee"):
            out.append(
                [
                    n.race.election.title,
                    n.race.round,
                    _("nomination made"),
                    f"{n.race.get_post_display()} · {n.nominee.name}",
                ]
            )
        voted = set(VoteCast.objects.filter(voter__member=member).values_list("voter_id", flat=True))
        for v in Voter.objects.filter(member=member).select_related("round__election"):
            out.append(
                [
                    v.round.election.title,
                    v.round.number,
                    _("on the roll"),
                    _("voted") if v.pk in voted else _("not voted"),
                ]
            )
    return headers, out
