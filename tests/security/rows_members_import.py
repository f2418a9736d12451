"""The roster import's pages (issue #15): an import is seen and confirmed only by the officer who uploaded it;
another unit's officer and even a city administrator get 404, a plain member 403."""

from __future__ import annotations

from .matrix import DONE, LOGIN, Row

L = LOGIN
#: the uploader (officer A) only
UPLOADER = (L, 403, 200, 404, 404)

ROWS: dict[str, Row] = {
    "members:import_detail": Row({"token": "member_import"}, get=UPLOADER),
    "members:import_status": Row({"token": "member_import"}, get=UPLOADER),
    "members:import_confirm": Row(
        {"token": "member_import"}, get=(L, 405, 405, 405, 405), post=(L, 403, DONE, 404, 404)
    ),
}
