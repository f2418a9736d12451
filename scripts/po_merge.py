#!/usr/bin/env python
"""A git merge driver for the gettext catalogue: the union of both sides' translations.

    # .git/config (once per clone):  git config merge.po-union.driver "python scripts/po_merge.py %O %A %B"
    # .gitattributes:                locale/**/django.po merge=po-union

Entries of both sides are kept. Where both sides have the same msgid, the merge is three-way against
the common ancestor: a translation only their side changed is taken from theirs, one only ours changed
stays ours, and where both changed it ours wins. Run
`make messages` after the merge to re-extract, sort and compile (.mo files are rebuilt, not merged).
"""

from __future__ import annotations

import sys

import polib


def _text(entry: polib.POEntry | None) -> tuple:
    if entry is None:
        return ("", ())
    return (entry.msgstr, tuple(sorted(entry.msgstr_plural.items())))


def main(base: str, ours: str, theirs: str) -> int:
    ours_po = polib.pofile(ours)
    theirs_po = polib.pofile(theirs)
    try:
        base_index = {(e.msgctxt, e.msgid): e for e in polib.pofile(base)}
    except (OSError, ValueError):
        base_index = {}
    index = {(e.msgctxt, e.msgid): e for e in ours_po}
    for entry in theirs_po:
        key = (entry.msgctxt, entry.msgid)
        mine = index.get(key)
        if mine is None:
            ours_po.append(entry)
            continue
        if not entry.translated():
            continue
        base_text = _text(base_index.get(key))
        theirs_changed = _text(entry) != base_text
        ours_changed = _text(mine) != base_text and mine.translated()
        if not mine.translated() or (theirs_changed and not ours_changed):
            mine.msgstr, mine.msgstr_plural = entry.msgstr, entry.msgstr_plural
            mine.flags = [f for f in mine.flags if f != "fuzzy"]
    ours_po.save(ours)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
