"""URL-matrix rows of the works contests (objects: world_contests.py, organised by unit A).

The judge of ``sheet`` is an outside expert, none of the matrix's five actors: every one of them gets 404 on
the judge's sheet and its work (tests/contests/test_security.py asks as the expert himself)."""

from __future__ import annotations

from .matrix import DONE, LOGIN, Row

L = LOGIN
EVERYONE = (L, 200, 200, 200, 200)
OFFICERS = (L, 403, 200, 200, 200)
#: unit A's contest: its members read it, officer A organises it, officer B does not see it
READ_A = (L, 200, 200, 404, 200)
MANAGE_A = (L, 403, 200, 404, 200)
POST_MANAGE_A = (L, 403, DONE, 404, DONE)
NO_GET = (L, 405, 405, 405, 405)
NOBODY = (L, 404, 404, 404, 404)

ROWS: dict[str, Row] = {
    "contests:list": Row(get=EVERYONE),
    "contests:create": Row(get=OFFICERS, post=(L, 403, DONE, DONE, DONE)),
    "contests:detail": Row({"pk": "contest"}, get=READ_A),
    "contests:update": Row({"pk": "contest"}, get=MANAGE_A, post=POST_MANAGE_A),
    "contests:rubric": Row({"pk": "contest"}, get=MANAGE_A, post=POST_MANAGE_A),
    "contests:judges": Row({"pk": "contest"}, get=MANAGE_A, post=POST_MANAGE_A),
    "contests:judge_remove": Row({"pk": "contest", "jid": "judge"}, get=NO_GET, post=POST_MANAGE_A),
    "contests:judging_start": Row({"pk": "contest"}, get=NO_GET, post=POST_MANAGE_A),
    "contests:remind": Row({"pk": "contest"}, get=NO_GET, post=POST_MANAGE_A),
    "contests:close": Row({"pk": "contest"}, get=NO_GET, post=POST_MANAGE_A),
    "contests:publish": Row({"pk": "contest"}, get=NO_GET, post=POST_MANAGE_A),
    "contests:finalise": Row({"pk": "contest"}, get=NO_GET, post=POST_MANAGE_A),
    "contests:submissions": Row({"pk": "contest"}, get=MANAGE_A),
    # before publication only the organiser sees the results; once final, the contest's audience
    "contests:results": Row({"pk": "contest"}, get=MANAGE_A),
    "contests:results#final": Row({"pk": "contest_final"}, get=READ_A),
    "contests:entries_xlsx": Row({"pk": "contest"}, get=MANAGE_A),
    "contests:scores_xlsx": Row({"pk": "contest"}, get=MANAGE_A),
    "contests:results_xlsx": Row({"pk": "contest"}, get=MANAGE_A),
    "contests:certificates": Row({"pk": "contest_final"}, get=MANAGE_A),
    # the form shows to the audience (the contest takes no more entries: the POST answers with its message)
    "contests:entry_create": Row({"pk": "contest"}, get=READ_A, post=(L, DONE, DONE, 404, DONE)),
    # member_a's entry: the entrant and the organiser read it; only the entrant changes it
    "contests:entry_detail": Row({"pk": "entry"}, get=READ_A),
    "contests:entry_replace": Row({"pk": "entry"}, get=NO_GET, post=(L, DONE, 403, 404, 403)),
    "contests:entry_withdraw": Row({"pk": "entry"}, get=NO_GET, post=(L, DONE, 403, 404, 403)),
    "contests:entry_file": Row({"pk": "entry"}, get=READ_A),
    # member_a's first prize: the winner and the organiser
    "contests:certificate": Row({"pk": "result"}, get=READ_A),
    "contests:judging": Row(get=EVERYONE),
    "contests:sheet": Row({"pk": "sheet"}, get=NOBODY, post=NOBODY),
    "contests:sheet_file": Row({"pk": "sheet"}, get=NOBODY),
    "contests:sheet_correct": Row({"pk": "sheet"}, get=MANAGE_A, post=POST_MANAGE_A),
}
