"""URL matrix rows of the elections and surveys apps (objects in world_elections.py, all of unit A)."""

from .matrix import DONE, LOGIN, Row

L = LOGIN
EVERYONE = (L, 200, 200, 200, 200)
NO_GET = (L, 405, 405, 405, 405)
UNIT_A = (L, 404, 200, 404, 200)
POST_UNIT_A = (L, 404, DONE, 404, DONE)
#: pages an officer (of any unit) opens; a plain member is no officer
OFFICERS_FORM = (L, 403, 200, 200, 200)
POST_OFFICERS = (L, 403, DONE, DONE, DONE)
#: unit A's survey: its audience (the member) answers it, its officers manage it, officer B does not see it
SURVEY_MANAGE = (L, 403, 200, 404, 200)
POST_SURVEY_MANAGE = (L, 403, DONE, 404, DONE)
ALL_404 = (L, 404, 404, 404, 404)

ROWS: dict[str, Row] = {
    # --- elections ---
    "elections:list": Row(get=EVERYONE),
    "elections:create": Row(get=OFFICERS_FORM, post=POST_OFFICERS),
    "elections:detail": Row({"pk": "election"}, get=UNIT_A),
    "elections:race_set": Row({"pk": "election"}, get=NO_GET, post=POST_UNIT_A),
    "elections:race_remove": Row({"pk": "election", "race_pk": "race"}, get=NO_GET, post=POST_UNIT_A),
    "elections:candidate_add": Row({"pk": "election"}, get=NO_GET, post=POST_UNIT_A),
    "elections:candidate_remove": Row({"pk": "election", "cand_pk": "candidate"}, get=NO_GET, post=POST_UNIT_A),
    # a member of unit A nominates in unit A's election (the world's is voting: a message, nothing saved)
    "elections:nominate": Row({"pk": "election"}, get=(L, 200, 200, 404, 200), post=(L, DONE, DONE, 404, DONE)),
    "elections:action": Row({"pk": "election", "action": "=submit_result"}, get=NO_GET, post=POST_UNIT_A),
    # the city union's step: the unit's officer may read the election, not approve it
    "elections:action#approve": Row(
        {"pk": "election", "action": "=approve_result"}, get=NO_GET, post=(L, 404, 403, 404, DONE)
    ),
    "elections:action#unknown": Row({"pk": "election", "action": "=fly"}, get=NO_GET, post=ALL_404),
    "elections:round_open": Row({"pk": "election"}, get=UNIT_A, post=POST_UNIT_A),
    "elections:round_count": Row({"pk": "paper_round"}, get=NO_GET, post=POST_UNIT_A),
    "elections:box": Row({"pk": "paper_round"}, get=UNIT_A, post=POST_UNIT_A),
    # the secret ballot: those on unit A's roll (member, officer A and the city administrator are members of A)
    "elections:vote": Row({"pk": "online_round"}, get=(L, 200, 200, 404, 200), post=(L, DONE, DONE, 404, DONE)),
    "elections:receipt": Row({"pk": "online_round"}, get=(L, 200, 200, 404, 200)),
    # --- surveys ---
    "surveys:list": Row(get=EVERYONE),
    "surveys:create": Row(get=OFFICERS_FORM, post=POST_OFFICERS),
    "surveys:detail": Row({"pk": "survey"}, get=SURVEY_MANAGE),
    "surveys:question_add": Row({"pk": "survey"}, get=NO_GET, post=POST_SURVEY_MANAGE),
    "surveys:question_remove": Row({"pk": "survey", "question_pk": "question"}, get=NO_GET, post=POST_SURVEY_MANAGE),
    "surveys:action": Row({"pk": "survey", "action": "=close"}, get=NO_GET, post=POST_SURVEY_MANAGE),
    "surveys:action#unknown": Row({"pk": "survey", "action": "=fly"}, get=NO_GET, post=ALL_404),
    "surveys:answer": Row({"pk": "survey"}, get=(L, 200, 200, 404, 200), post=(L, DONE, DONE, 404, DONE)),
    "surveys:results": Row({"pk": "survey"}, get=SURVEY_MANAGE),
    "surveys:export": Row({"pk": "survey"}, get=SURVEY_MANAGE),
}
