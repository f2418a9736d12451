#!/usr/bin/env python
"""Fill the Simplified Chinese catalogue from a JSON object {"English msgid": "中文", ...}.

    python scripts/po_fill.py --missing           # list untranslated or fuzzy msgids (JSON)
    python scripts/po_fill.py translations.json   # fill them, then run `make messages` to compile

A plural msgid takes the same Chinese for every form (Chinese has one plural form). An entry with a
context (pgettext) is keyed "context\u0004msgid", as gettext itself joins them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _key(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def main(argv: list[str]) -> int:
    po = polib.pofile(str(PO))
    if argv and argv[0] == "--missing":
        missing = {_key(e): "" for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)}
        print(json.dumps(missing, ensure_ascii=False, indent=1))
        return 0
    table: dict[str, str] = {}
    for path in argv:
        table.update(json.loads(Path(path).read_text(encoding="utf-8")))
    filled = 0
    for entry in po:
        text = table.get(_key(entry))
        if text:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: text}
            else:
                entry.msgstr = text
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            filled += 1
    po.save(str(PO))
    left = sum(1 for e in po if not e.translated())
    print(f"filled {filled}; untranslated left: {left}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
