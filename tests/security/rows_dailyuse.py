"""Rows of the URL matrix for issue #18's URLs (a day in the life)."""

from .matrix import LOGIN, REDIRECT, Row

ROWS: dict[str, Row] = {
    # the browser's own request for the icon: a (permanent) redirect to the static file, for everyone
    "favicon": Row(get=(REDIRECT,) * 5, post=(405,) * 5),
    # 我的报名: every logged-in person (empty without a member record)
    "activities:mine": Row(get=(LOGIN, 200, 200, 200, 200)),
}
