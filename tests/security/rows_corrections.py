"""URL-matrix rows of the members' correction requests (issue #17); the object is in world_corrections.py."""

from tests.security.matrix import DONE, LOGIN, REDIRECT, Row

L, R = LOGIN, REDIRECT

ROWS = {
    # each person sees the own requests (officers: those of their members)
    "members:corrections": Row(get=(L, 200, 200, 200, 200)),
    # the form lives on the list; a garbage POST is the form again with its errors
    "members:correction_create": Row(get=(L, R, R, R, R), post=(L, DONE, DONE, DONE, DONE)),
    # member_a's request in unit A: officer A answers, officer B does not see it, member_a may not answer it
    "members:correction_answer": Row({"pk": "correction"}, get=(L, 405, 405, 405, 405), post=(L, 403, DONE, 404, DONE)),
}
