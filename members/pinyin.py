"""Names in pinyin: the keys that find 张晓明 by "zxm" or "zhangxiaoming", and the roster's order.

``name_keys`` gives the two columns Member stores (``name_pinyin`` "zhang xiao ming", the sort key on
SQLite, and ``name_search`` "zxm zhangxiaoming", the initials and the whole pinyin, which one LIKE on one
short column searches), computed with pypinyin. A surname read differently from the
character's everyday reading (单 Shàn, 曾 Zēng, 解 Xiè …) takes its surname reading.

``NameOrder`` is the one expression that sorts names in pinyin order: on PostgreSQL the name under the
ICU collation ``zh-Hans-x-icu`` (created by migration members 00xx_name_pinyin if the server lacks it),
elsewhere the stored pinyin column. The member index ``member_unit_name_idx`` is built on the same
expression, so a unit's members are read in that order from the index.
"""

from __future__ import annotations

import re

from django.db.models import CharField, F, Func
from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT, RE_HANS

#: The ICU collation that orders Chinese by pinyin (PostgreSQL).
ZH_COLLATION = "zh-Hans-x-icu"

# Surnames whose reading differs from the character's most common reading (百家姓 readings).
_SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "区": "ou",
    "查": "zha",
    "盖": "ge",
    "翟": "zhai",
    "乐": "yue",
    "覃": "qin",
    "缪": "miao",
    "尉": "yu",
    "员": "yun",
    "种": "chong",
    "秘": "bi",
    "繁": "po",
    "长": "chang",
    "重": "chong",
    "折": "she",
    "句": "gou",
    "能": "nai",
    "那": "na",
    "沈": "shen",
    "薄": "bo",
    "褚": "chu",
}
_NOT_A_LETTER = re.compile(r"[^a-z ]+")


def _lazy(text: str) -> list[str]:
    return lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: chars.lower().split(), v_to_u=False)


#: One character's reading as ``_lazy`` gives it for the character alone (at most one entry per character).
_READING: dict[str, str] = {}
_READINGS_KEPT = 40_000


def _has_phrase(name: str) -> bool:
    """Whether two or more neighbouring characters of ``name`` are a word of pypinyin's phrase dictionary."""
    n = len(name)
    return any(name[i:j] in PHRASES_DICT for i in range(n - 1) for j in range(i + 2, n + 1))


def syllables(name: str) -> list[str]:
    """``lazy_pinyin(name)`` as ``name_keys`` asks for it, per character from a table when it can be: when the name
    is all Chinese characters and no two or more of them form a word of pypinyin's phrase dictionary, pypinyin
    reads each character alone (its segmentation leaves no word to look up), so the reading of each character is
    kept and the name's syllables are those readings. Otherwise (a phrase, a Latin letter, a digit) pypinyin reads
    the whole name. pypinyin's own call costs about 30 µs a name, the table a fraction of that: a roster of 10,000
    new names spent a third of a second on it (issue #23). ``tests/members/test_pinyin_search.py`` compares both."""
    if not RE_HANS.fullmatch(name) or _has_phrase(name):
        return _lazy(name)
    out = []
    for ch in name:
        reading = _READING.get(ch)
        if reading is None:
            alone = _lazy(ch)
            if len(alone) != 1:
                return _lazy(name)
            reading = alone[0]
            if len(_READING) < _READINGS_KEPT:
                _READING[ch] = reading
        out.append(reading)
    return out


def name_keys(name: str) -> tuple[str, str]:
    """(pinyin with a space between syllables, search keys), lower-case ASCII:
    张晓明 → ("zhang xiao ming", "zxm zhangxiaoming")."""
    name = (name or "").strip()
    if not name:
        return "", ""
    readings = syllables(name)
    if name[0] in _SURNAME_READINGS and readings:
        readings[0] = _SURNAME_READINGS[name[0]]
    words = [_NOT_A_LETTER.sub("", s.lower()) for s in readings]
    words = [w for w in words if w.strip()]
    pinyin = " ".join(w.strip() for w in words)
    initials = "".join(w.strip()[0] for w in words if w.strip())
    return pinyin[:200], f"{initials} {pinyin.replace(' ', '')}"[:250]


def search_key(term: str) -> str:
    """What a typed pinyin search is matched against: lower-case letters only ("Zhang Xiaoming" → "zhangxiaoming")."""
    return re.sub(r"[^a-z]", "", (term or "").lower())


class NameOrder(Func):
    """Pinyin order of a name: ``name COLLATE "zh-Hans-x-icu"`` on PostgreSQL, the pinyin column elsewhere.

    ``NameOrder()`` sorts members; ``NameOrder("member__name", "member__name_pinyin")`` sorts rows by their
    member's name.
    """

    arity = 2
    output_field = CharField()

    def __init__(self, name="name", pinyin="name_pinyin", **extra):
        name = F(name) if isinstance(name, str) else name
        pinyin = F(pinyin) if isinstance(pinyin, str) else pinyin
        super().__init__(name, pinyin, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[1])

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f'{sql} COLLATE "{ZH_COLLATION}"', params
