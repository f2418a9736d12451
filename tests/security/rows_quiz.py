"""URL-matrix rows of the knowledge contests (objects: world_quiz.py, organised by unit A)."""

from __future__ import annotations

from .matrix import DONE, LOGIN, Row

L = LOGIN
EVERYONE = (L, 200, 200, 200, 200)
OFFICERS = (L, 403, 200, 200, 200)
READ_A = (L, 200, 200, 404, 200)
UNIT_A = (L, 404, 200, 404, 200)
NO_GET = (L, 405, 405, 405, 405)
#: member_a's own attempt: nobody else reads the paper, not even the organiser
OWN = (L, 200, 404, 404, 404)

ROWS: dict[str, Row] = {
    "quiz:list": Row(get=EVERYONE),
    "quiz:create": Row(get=OFFICERS, post=(L, 403, DONE, DONE, DONE)),
    "quiz:detail": Row({"pk": "quiz"}, get=READ_A),
    "quiz:start": Row({"pk": "quiz"}, get=NO_GET, post=(L, DONE, DONE, 404, DONE)),
    "quiz:leaderboard": Row({"pk": "quiz"}, get=READ_A),
    "quiz:leaderboard_xlsx": Row({"pk": "quiz"}, get=READ_A),
    "quiz:attempt": Row({"pk": "attempt"}, get=OWN),
    "quiz:answer": Row({"pk": "attempt"}, get=NO_GET, post=(L, 400, 404, 404, 404)),  # garbage: no position
    "quiz:submit": Row({"pk": "attempt"}, get=NO_GET, post=(L, DONE, 404, 404, 404)),
    "quiz:subjects": Row(get=OFFICERS, post=(L, 403, DONE, DONE, DONE)),
    "quiz:subject": Row({"pk": "quiz_subject"}, get=UNIT_A, post=(L, 404, DONE, 404, DONE)),
    "quiz:template": Row(get=OFFICERS),
}
