#!/usr/bin/env python
"""A git merge driver for the gettext catalogue: the union of both sides' translations.

    # .git/config (once per clone):  git config merge.po-union.driver "python scripts/po_merge.py %O %A %B"
    # .gitattributes:                locale/**/django.po merge=po-union

Entries of both sides are kept; where both translate the same msgid, ours wins. Run
`make messages` after the merge to re-extract, sort and compile (.mo files are rebuilt, not merged).
"""

from __future__ import annotations

import sys

import polib


def main(base: str, ours: str, theirs: str) -> int:
    ours_po = polib.pofile(ours)
    theirs_po = polib.pofile(theirs)
    index = {(e.msgctxt, e.msgid): e for e in ours_po}
    for entry in theirs_po:
        mine = index.get((entry.msgctxt, entry.msgid))
        if mine is None:
            ours_po.append(entry)
        elif not mine.translated() and entry.translated():
            mine.msgstr, mine.msgstr_plural = entry.msgstr, entry.msgstr_plural
            mine.flags = [f for f in mine.flags if f != "fuzzy"]
    ours_po.save(ours)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
