"""Rows of the URL matrix for accounts and access (issue 16): the second factor, transfers in two steps,
the records the auditor reads, a city administrator's reset of a second factor, anonymous items' receipts.
The auditor's own column over every URL is tests/security/test_auditor_matrix.py."""

from tests.security.matrix import DONE, LOGIN, REDIRECT, Row

L, R = LOGIN, REDIRECT
EVERYONE = (L, 200, 200, 200, 200)
POST_ALL = (L, DONE, DONE, DONE, DONE)
OFFICERS = (L, 403, 200, 200, 200)
CITY = (L, 403, 403, 403, 200)
NO_GET = (L, 405, 405, 405, 405)

ROWS: dict[str, Row] = {
    # the own second factor (off in the matrix's settings: every logged-in person may enrol one)
    "two_factor": Row(get=EVERYONE, post=POST_ALL),  # a garbage code: the form again
    "two_factor_verify": Row(get=(L, R, R, R, R), post=POST_ALL),  # no device yet: to enrolment
    # transfers: world["transfer"] goes from unit A (officer A sends) to unit B (officer B receives)
    "members:transfers": Row(get=OFFICERS),
    "members:transfer_action": Row({"pk": "transfer", "action": "=accept"}, get=NO_GET, post=(L, 404, 403, DONE, DONE)),
    "members:transfer_action#cancel": Row(
        {"pk": "transfer", "action": "=cancel"}, get=NO_GET, post=(L, 404, DONE, 403, DONE)
    ),
    "members:transfer_action#unknown": Row(
        {"pk": "transfer", "action": "=fly"}, get=(L, 404, 404, 404, 404), post=(L, 404, 404, 404, 404)
    ),
    # the records: city administrators and the auditor
    "members:login_log": Row(get=CITY),
    "members:membership_history": Row(get=CITY),
    "members:second_factor_reset": Row({"pk": "subject"}, get=NO_GET, post=(L, 404, 403, 404, DONE)),
    # an anonymous item's receipt: anyone logged in may try a code (a garbage one: the page says so)
    "voice:receipt": Row(get=EVERYONE, post=POST_ALL),
}
