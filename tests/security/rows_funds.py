"""URL matrix rows of the funds app and of activity costs (objects in world_funds.py, all of unit A).

A plain member has no funds pages (403) but the own dues; objects of unit A answer 404 to officer B and to the
member (outside their scope) on the writes that look the object up first."""

from .matrix import DONE, LOGIN, REDIRECT, Row

L = LOGIN
NO_GET = (L, 405, 405, 405, 405)
#: funds pages: officers of any unit, zone leads, the city; a plain member is refused
OFFICERS = (L, 403, 200, 200, 200)
POST_OFFICERS = (L, 403, DONE, DONE, DONE)
#: unit A's objects: its officer and the city; officer B does not see them; a member has no funds pages
UNIT_A = (L, 403, 200, 404, 200)
#: writes on unit A's objects: the member and officer B find nothing (404)
POST_UNIT_A = (L, 404, DONE, 404, DONE)

ROWS: dict[str, Row] = {
    "funds:index": Row(get=(L, REDIRECT, 200, 200, 200)),
    "funds:budget_new": Row(get=OFFICERS, post=POST_OFFICERS),
    "funds:budget": Row({"pk": "budget"}, get=UNIT_A),
    "funds:budget_lines": Row({"pk": "budget"}, get=NO_GET, post=POST_UNIT_A),
    "funds:budget_template": Row({"pk": "budget"}, get=UNIT_A),
    "funds:budget_import": Row({"pk": "budget"}, get=NO_GET, post=POST_UNIT_A),
    "funds:budget_approve": Row({"pk": "budget"}, get=NO_GET, post=POST_UNIT_A),
    "funds:adjustment_new": Row({"pk": "budget"}, get=NO_GET, post=POST_UNIT_A),
    "funds:adjustment_approve": Row({"pk": "adjustment"}, get=NO_GET, post=POST_UNIT_A),
    "funds:adjustment_delete": Row({"pk": "adjustment"}, get=NO_GET, post=POST_UNIT_A),
    "funds:ledger": Row(get=OFFICERS),
    "funds:ledger_export": Row(get=OFFICERS),
    "funds:posting_new": Row(get=OFFICERS, post=POST_OFFICERS),
    "funds:posting": Row({"pk": "posting"}, get=UNIT_A),
    "funds:posting_attachment": Row({"pk": "posting"}, get=UNIT_A),
    "funds:posting_reverse": Row({"pk": "posting"}, get=NO_GET, post=POST_UNIT_A),
    "funds:execution": Row(get=OFFICERS),
    "funds:execution_export": Row(get=OFFICERS),
    "funds:statement": Row(get=OFFICERS),
    "funds:statement_export": Row(get=OFFICERS),
    "funds:dues": Row(get=OFFICERS),
    "funds:dues_unit": Row({"pk": "unit_a"}, get=UNIT_A),
    "funds:dues_import": Row(get=NO_GET, post=POST_OFFICERS),
    "funds:wage_base_import": Row(get=NO_GET, post=POST_OFFICERS),
    "funds:my_dues": Row(get=(L, 200, 200, 200, 200)),
    "funds:allocation_new": Row(get=OFFICERS, post=POST_OFFICERS),
    # --- activity costs (the activity's managers only) ---
    "activities:costs": Row({"pk": "funds_activity"}, get=(L, 403, 200, 404, 200), post=(L, 403, DONE, 404, DONE)),
    "activities:cost_remove": Row({"pk": "activity_cost"}, get=NO_GET, post=POST_UNIT_A),
}
