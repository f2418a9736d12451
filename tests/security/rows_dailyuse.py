"""Rows of the URL matrix for issue #18's URLs (a day in the life)."""

from .matrix import LOGIN, Row

ROWS: dict[str, Row] = {
    # the browser's own request for the icon: a redirect to the static file, for everyone
    "favicon": Row(get=(301,) * 5, post=(405,) * 5),
}
ROWS["activities:mine"] = Row(get=(LOGIN, 200, 200, 200, 200))
