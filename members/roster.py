"""The member roster import (会员花名册导入): read what officers really type, check every row, show
what would change, save it in one go.

The steps, each linear in the number of rows (one pass, look-ups loaded once in chunks):

1. ``match_headers``: the template's headers and common variants (身份证号码, 联系电话 …); an unknown
   header is a warning with the nearest known one; a missing required column stops everything.
2. ``normalise_row`` (pure): full-width digits, spaces, +86, dates written six ways, synonyms of the
   choice columns, middle dots in names; what was normalised becomes a note on the row.
3. ``check_roster``: against the database: who holds each card and ID number, the units the actor
   manages, each existing member's stored values (a blank cell keeps them), the record's own rules
   (``Member.rule_errors``); every problem names the row as Excel numbers it and the column by the
   file's own header.
4. ``keep_plan`` / ``kept_writes``: what the check decided is kept for the confirmation, which writes it
   without checking the rows again while nothing it depends on has changed (else: ``check_roster`` again).
5. ``save_plan`` / ``save_rows``: new members with their history and join record (``members.bulkwrite``:
   COPY on PostgreSQL), changed members (only when the officer ticked it) with one history row each;
   unchanged members are not touched.

The services (members.services.member_import_*) hold the transaction, the permission and the request
row (``MemberImport``); this module never decides who may do what beyond the units the actor manages.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from . import bulkwrite, countcache, idnumbers
from .choices import CURRENT_STATUSES, Education, EmploymentType, Ethnicity, Gender, MemberStatus, PoliticalStatus
from .excel import EXAMPLE_CARD, IMPORT_COLUMNS, RawRoster
from .models import ChoiceSynonym, Member, Organization, name_validator
from .pinyin import name_keys
from .scoping import scope_for, unscoped
from .sheets import chinese

# --- Columns ---------------------------------------------------------------------------------------
#: Header variants officers use, besides the template's own header (compared without spaces,
#: full-width forms, "*" and "（必填）").
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("名字", "会员姓名", "职工姓名", "人员姓名"),
    "id_number": ("身份证号码", "身份证", "公民身份号码", "身份号码", "证件号码", "身份证件号码"),
    "gender": (),
    "birth_date": ("出生年月", "出生年月日", "生日", "出生时间"),
    "ethnicity": ("民族（族别）",),
    "native_place": ("籍贯（省市）",),
    "political_status": ("政治身份",),
    "education": ("文化程度", "最高学历"),
    "unit": ("工作单位", "所在单位", "单位名称", "基层工会"),
    "position": ("职位", "现任职务"),
    "professional_title": ("专业技术职称", "技术职称"),
    "employment_type": ("用工形式", "人员类别", "编制性质", "用工类型"),
    "join_date": ("入会日期", "入会年月", "入会时间（年月日）"),
    "card_number": ("会员证号码", "会员卡号", "会员编号", "会员证编号"),
    "mobile": ("手机号码", "联系电话", "手机", "移动电话", "联系方式", "电话"),
    "notes": ("说明",),
}
#: Columns of the portal's own export that the import knows and leaves alone (the membership status
#: changes on the member's page, with its date and reason).
IGNORED_HEADERS = {"状态": "status", "会籍状态": "status"}
CHOICE_FIELDS = {
    "gender": Gender,
    "ethnicity": Ethnicity,
    "political_status": PoliticalStatus,
    "education": Education,
    "employment_type": EmploymentType,
}
DATE_FIELDS = ("birth_date", "join_date")
TEXT_LIMITS = {"native_place": 50, "position": 50, "professional_title": 50}
#: What a new member gets where the cell is blank (the model's defaults), said in a note.
NEW_DEFAULTS = {
    "ethnicity": Ethnicity.HAN,
    "political_status": PoliticalStatus.MASSES,
    "employment_type": EmploymentType.ESTABLISHED,
}
SENSITIVE = {"id_number"}
#: The fields an update may write (the ID number's three columns go together).
WRITABLE = [
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "native_place",
    "political_status",
    "education",
    "position",
    "professional_title",
    "employment_type",
    "join_date",
    "mobile",
    "notes",
]


def header_key(text) -> str:
    """A header compared without spaces, full-width forms, required markers and colons."""
    key = halfwidth(str(text or ""))
    key = re.sub(r"[\s*:：]+", "", key)
    return key.replace("(必填)", "").replace("(选填)", "")


def _known_headers() -> dict[str, str]:
    """header key → field, for the template's headers and every variant."""
    known = {}
    with translation.override("zh-hans"):
        for f, label, _r, _e in IMPORT_COLUMNS:
            known[header_key(str(label))] = f
            for alias in ALIASES.get(f, ()):
                known[header_key(alias)] = f
    return known


def header_field(text) -> str | None:
    """The field a header names (or "" for a known column the import leaves alone), else None."""
    key = header_key(text)
    if not key:
        return None
    if key in IGNORED_HEADERS:
        return ""
    return _known_headers().get(key)


@dataclass
class Headers:
    """The file's columns: field → (index, header as written), and what was not understood."""

    columns: dict[str, tuple[int, str]] = field(default_factory=dict)
    unknown: list[tuple[str, str]] = field(default_factory=list)  # (header, suggested template header)
    duplicates: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def header(self, f: str) -> str:
        if f in self.columns:
            return self.columns[f][1]
        return label_of(f)


def label_of(f: str) -> str:
    for name, label, _r, _e in IMPORT_COLUMNS:
        if name == f:
            return chinese(label)
    return f


def match_headers(headers: list[str], *, required: Iterable[str]) -> Headers:
    known = _known_headers()
    canonical = {f: label_of(f) for f, *_ in IMPORT_COLUMNS}
    out = Headers()
    for index, text in enumerate(headers):
        text = str(text or "").strip()
        if not text:
            continue
        f = header_field(text)
        if f == "":
            continue
        if f is None:
            close = difflib.get_close_matches(header_key(text), list(known), n=1, cutoff=0.5)
            out.unknown.append((text, canonical[known[close[0]]] if close else ""))
        elif f in out.columns:
            out.duplicates.append(text)
        else:
            out.columns[f] = (index, text)
    out.missing = [label_of(f) for f in required if f not in out.columns]
    return out


# --- Normalising one cell --------------------------------------------------------------------------
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
_BLANKS = re.compile(r"[\s\u00a0\u3000\u200b\u2060\ufeff]+")
_DOTS = re.compile(r"\s*[·•．・‧⋅･∙•\u00b7\u0387\u2027\u30fb\uff0e\uff65]\s*")
_CJK = r"\u3400-\u9fff"
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?E\+?\d+$", re.IGNORECASE)
FORMULA_START = ("=", "+", "-", "@")
#: The model's name rule, compiled once (the validator's regex is a lazy object: slow 10,000 times).
_NAME = re.compile(name_validator.regex.pattern)


def halfwidth(text: str) -> str:
    return text.translate(_FULLWIDTH)


class Bad(Exception):
    """A cell that cannot be read; the message says what to do."""


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not _BLANKS.sub("", value))


def _number_text(value) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def norm_id(value) -> tuple[str, list[str]]:
    """An ID number as typed: the 18 characters, or a masked number ("110105********002X")."""
    notes: list[str] = []
    if isinstance(value, float) or (isinstance(value, int) and not isinstance(value, bool)):
        digits = str(value) if isinstance(value, int) else _float_digits(value)
        if isinstance(value, float) and len(digits) >= 16:
            raise Bad(_rounded_message())
        if len(digits) == 18:
            notes.append(_("stored by Excel as a number; its 18 digits were kept"))
        return digits, notes
    text = str(value)
    cleaned = halfwidth(text)
    if cleaned != text:
        notes.append(_("full-width characters made half-width"))
    compact = _BLANKS.sub("", cleaned).lstrip("'")
    if _BLANKS.sub("", cleaned) != cleaned.strip():
        notes.append(_("spaces removed"))
    if _SCIENTIFIC.match(compact):
        raise Bad(_rounded_message())
    if "x" in compact:
        notes.append(_("lowercase x made X"))
    return compact.upper(), notes


def _float_digits(value: float) -> str:
    try:
        return str(int(Decimal(repr(value))))
    except (InvalidOperation, ValueError, OverflowError):
        return repr(value)


def _rounded_message() -> str:
    return _(
        "Excel stored the ID number as a number and its last digits are lost: format the column as "
        "“Text” and type the number again."
    )


def norm_code(value) -> tuple[str, list[str]]:
    """A card number: half-width, no spaces, upper case."""
    notes: list[str] = []
    text = _number_text(value)
    cleaned = halfwidth(text)
    if cleaned != text:
        notes.append(_("full-width characters made half-width"))
    compact = _BLANKS.sub("", cleaned).lstrip("'")
    if compact != cleaned.strip().lstrip("'"):
        notes.append(_("spaces removed"))
    if compact != compact.upper():
        notes.append(_("letters made upper case"))
    return compact.upper(), notes


def norm_mobile(value) -> tuple[str, list[str]]:
    notes: list[str] = []
    text = _number_text(value)
    cleaned = halfwidth(text)
    compact = re.sub(r"[\s\u00a0\u3000\-—–()（）]+", "", cleaned).lstrip("'")
    if compact != text.strip():
        notes.append(_("spaces, dashes or full-width digits removed"))
    for prefix in ("+86", "0086", "86"):
        if compact.startswith(prefix) and len(compact) == len(prefix) + 11:
            compact = compact[len(prefix) :]
            notes.append(_("country code %(prefix)s removed") % {"prefix": prefix})
            break
    if not re.fullmatch(r"1[3-9]\d{9}", compact):
        raise Bad(
            _("“%(value)s” is not a mainland mobile number: write the 11 digits starting with 13-19.")
            % {"value": text.strip()}
        )
    return compact, notes


def norm_date(value) -> tuple[date, list[str]]:
    if isinstance(value, datetime):
        return value.date(), []
    if isinstance(value, date):
        return value, []
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = int(value) if float(value).is_integer() else None
        if number is not None and 19000101 <= number <= 21001231:
            return _ymd(str(number)[:4], str(number)[4:6], str(number)[6:], value), [_("read as a date")]
        if number is not None and 1 <= number <= 80000:  # an Excel serial day number
            return date(1899, 12, 30) + timedelta(days=number), [_("an Excel day number read as a date")]
        raise Bad(_date_message(value))
    text = halfwidth(str(value)).strip()
    compact = _BLANKS.sub("", text)
    if re.fullmatch(r"\d{8}", compact):
        return _ymd(compact[:4], compact[4:6], compact[6:], value), [_("read as a date")]
    match = _DATE_TEXT.match(text)
    if not match:
        raise Bad(_date_message(value))
    result = _ymd(*match.groups(), value)
    notes = [] if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else [_("read as a date")]
    return result, notes


def _ymd(y, m, d, original) -> date:
    try:
        result = date(int(y), int(m), int(d))
    except ValueError:
        raise Bad(_date_message(original)) from None
    if result.year < 1900:
        raise Bad(_date_message(original))
    return result


def _date_message(value) -> str:
    return _("“%(value)s” is not a date: write it like 1985-03-12 or 1985年3月12日.") % {"value": value}


def norm_name(value) -> tuple[str, list[str]]:
    notes: list[str] = []
    text = _number_text(value).strip()
    if text.startswith(FORMULA_START):
        raise Bad(
            _("A name cannot start with =, +, - or @ (a spreadsheet would run it as a formula): write the name only.")
        )
    name = _DOTS.sub("·", text)
    if name != text:
        notes.append(_("the middle dot written as ·"))
    squeezed = re.sub(rf"(?<=[{_CJK}·])\s+|\s+(?=[{_CJK}·])", "", name)
    squeezed = re.sub(r"\s{2,}", " ", squeezed)
    if squeezed != name:
        notes.append(_("spaces inside the name removed"))
    if not _NAME.match(squeezed):
        raise Bad(
            _("“%(value)s” is not a name: write 2 to 50 Chinese characters or letters (the middle dot · is allowed).")
            % {"value": text}
        )
    return squeezed, notes


def norm_text(value, limit: int | None) -> tuple[str, list[str]]:
    text = _number_text(value).strip()
    if limit and len(text) > limit:
        raise Bad(
            _("At most %(limit)s characters (there are %(count)s): shorten it.") % {"limit": limit, "count": len(text)}
        )
    return text, []


class ChoiceReader:
    """The choice columns: the stored code, the Chinese or English label, or a synonym of the
    city administrator's table (ChoiceSynonym)."""

    def __init__(self):
        self.maps: dict[str, dict[str, str]] = {}
        self.labels: dict[str, dict[str, str]] = {}
        with translation.override("zh-hans"):
            for f, choices in CHOICE_FIELDS.items():
                self.labels[f] = {code: str(label) for code, label in choices.choices}
        for f, choices in CHOICE_FIELDS.items():
            mapping: dict[str, str] = {}
            with translation.override("en"):
                mapping.update({self.key(str(label)): code for code, label in choices.choices})
            mapping.update({self.key(code): code for code in choices.values})
            mapping.update({self.key(label): code for code, label in self.labels[f].items()})
            self.maps[f] = mapping
        for f, text, value in ChoiceSynonym.objects.values_list("field", "text", "value"):
            if f in self.maps and value in self.labels[f]:
                self.maps[f].setdefault(self.key(text), value)

    @staticmethod
    def key(text: str) -> str:
        return _BLANKS.sub("", halfwidth(str(text))).lower()

    def read(self, f: str, value) -> tuple[str, list[str]]:
        text = _number_text(value).strip()
        key = self.key(text)
        mapping = self.maps[f]
        code = mapping.get(key)
        if code is None and f == "ethnicity":
            code = mapping.get(key + "族")
        if code is None:
            allowed = (
                "、".join(self.labels[f].values()) if f != "ethnicity" else _("the 56 ethnic groups, e.g. 汉族、回族")
            )
            raise Bad(
                _("“%(value)s” is not one of the allowed values: %(allowed)s.") % {"value": text, "allowed": allowed}
            )
        label = self.labels[f][code]
        notes = [] if text == label else [_("“%(value)s” read as “%(label)s”") % {"value": text, "label": label}]
        return code, notes


# --- One row --------------------------------------------------------------------------------------
@dataclass
class Row:
    """One data row of the file, normalised: the values of the non-blank cells, notes and problems."""

    number: int
    values: dict = field(default_factory=dict)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (column header, note)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column header, message)
    facts: idnumbers.IdFacts | None = None
    masked_id: str = ""
    kind: str = ""  # new | changed | unchanged | error | skipped
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (header, old, new)
    member: Member | None = None
    changed_fields: list[str] = field(default_factory=list)
    digest: str = ""  # the keyed hash of the ID number (computed once, at the check)

    def error(self, column: str, message: str) -> None:
        self.errors.append((column, message))

    def report(self) -> dict:
        """What the preview shows (no full ID number)."""
        return {
            "row": self.number,
            "kind": self.kind,
            "card": self.values.get("card_number", ""),
            "name": self.values.get("name") or (self.member.name if self.member else ""),
            "changes": self.changes,
            "notes": self.notes,
            "errors": self.errors,
        }


def normalise_row(number: int, cells: dict[str, object], headers: Headers, choices: ChoiceReader) -> Row:
    """The pure step: every non-blank cell read into the field's value, or a problem for its column."""
    row = Row(number=number)
    for f, raw in cells.items():
        if _blank(raw):
            continue
        column = headers.header(f)
        try:
            if f == "id_number":
                value, notes = norm_id(raw)
                if "*" in value:
                    row.masked_id = value
                    continue
                try:
                    row.facts = idnumbers.parse(value)
                except ValidationError as exc:
                    raise Bad(_id_message(exc, value)) from None
            elif f == "card_number":
                value, notes = norm_code(raw)
                if len(value) > 20:
                    raise Bad(_("At most 20 characters (there are %(count)s).") % {"count": len(value)})
                if value.startswith(FORMULA_START):
                    raise Bad(_("A card number cannot start with =, +, - or @."))
            elif f == "mobile":
                value, notes = norm_mobile(raw)
            elif f in DATE_FIELDS:
                value, notes = norm_date(raw)
            elif f in CHOICE_FIELDS:
                value, notes = choices.read(f, raw)
            elif f == "name":
                value, notes = norm_name(raw)
            elif f == "unit":
                value, notes = _BLANKS.sub("", halfwidth(_number_text(raw))), []
            else:
                value, notes = norm_text(raw, TEXT_LIMITS.get(f))
        except Bad as exc:
            row.error(column, str(exc))
            continue
        row.values[f] = value
        for note in notes:
            row.notes.append((column, note))
    return row


def _id_message(exc: ValidationError, value: str) -> str:
    code = getattr(exc, "code", None) or (exc.error_list[0].code if getattr(exc, "error_list", None) else "")
    if code == "id_checksum":
        return _("The check character (the last one) does not fit the other 17: compare the number with the ID card.")
    if code == "id_date":
        return _("The birth date inside the number (characters 7-14) is not a real date: compare it with the ID card.")
    return _("An ID number has 18 characters, 17 digits and a last digit or X; this one has %(count)s.") % {
        "count": len(value)
    }


# --- The whole file -------------------------------------------------------------------------------
@dataclass
class Plan:
    """What the file would do: the rows' reports, the counts, and the members to write."""

    fatal: str = ""
    warnings: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    creates: list[Row] = field(default_factory=list)  # the new members' rows (built when saved)
    updates: list[Row] = field(default_factory=list)
    unit_ids: list[int] = field(default_factory=list)  # the units the actor managed at the check
    checked_on: date | None = None

    def count(self, kind: str) -> int:
        return sum(1 for r in self.rows if r.kind == kind)

    @property
    def problems(self) -> list[dict]:
        """Every problem: {"row", "column", "message"}; a file-level one has no row."""
        out = [{"row": "", "column": "", "message": self.fatal}] if self.fatal else []
        for r in self.rows:
            out.extend({"row": r.number, "column": c, "message": m} for c, m in r.errors)
        return out

    @property
    def ok(self) -> bool:
        return not self.fatal and not any(r.errors for r in self.rows)


CHUNK = 2000


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def check_roster(
    *, actor, roster: RawRoster, on_progress: Callable[[int, int], None] | None = None, today: date | None = None
) -> Plan:
    """Check every row of the file against the database; nothing is written."""
    plan = Plan()
    today = today or timezone.localdate()
    units = list(Organization.objects.for_actor(actor, manage=True).units().filter(is_active=True))
    by_name = {}
    for u in units:
        by_name[_BLANKS.sub("", u.name)] = u
        if u.short_name:
            by_name.setdefault(_BLANKS.sub("", u.short_name), u)
    plan.unit_ids, plan.checked_on = [u.pk for u in units], today
    only_unit = units[0] if len(units) == 1 else None
    required = ["name", "id_number", "join_date", "card_number"] + ([] if only_unit else ["unit"])
    headers = match_headers(roster.headers, required=required)
    if headers.missing:
        plan.fatal = _(
            "The file has no column %(columns)s (looked for in row %(row)s): add it, or start from the template."
        ) % {"columns": "、".join(f"“{h}”" for h in headers.missing), "row": roster.header_row}
        return plan
    for text, suggestion in headers.unknown:
        if suggestion:
            plan.warnings.append(
                _("Unknown column: %(header)s — did you mean “%(suggestion)s”? It is not imported.")
                % {"header": text, "suggestion": suggestion}
            )
        else:
            plan.warnings.append(_("Unknown column: %(header)s — it is not imported.") % {"header": text})
    for text in headers.duplicates:
        plan.warnings.append(_("The column %(header)s appears twice: only the first one is read.") % {"header": text})

    choices = ChoiceReader()
    index = {f: i for f, (i, _h) in headers.columns.items()}
    total = len(roster.rows)
    rows: list[Row] = []
    for done, (number, values) in enumerate(roster.rows, 1):
        cells = {f: (values[i] if i < len(values) else None) for f, i in index.items()}
        if cells.get("card_number") == EXAMPLE_CARD:
            rows.append(Row(number=number, kind="skipped", notes=[("", _("the template's example row: skipped"))]))
            continue
        rows.append(normalise_row(number, cells, headers, choices))
        if on_progress and done % 1000 == 0:
            on_progress(done, total * 2)
    plan.rows = rows

    # Who holds each card and ID number: every unit, since both are unique across the city.
    cards = [r.values["card_number"] for r in rows if "card_number" in r.values]
    digests = {}
    for r in rows:
        if r.facts:
            r.digest = digests[r.number] = idnumbers.keyed_hash(r.facts.number)
    by_card: dict[str, Member] = {}
    by_hash: dict[str, Member] = {}
    with unscoped("card and ID numbers are unique across the city: the import must find every holder"):
        for chunk in _chunks(cards):
            for m in Member.objects.filter(card_number__in=chunk).select_related("unit"):
                by_card[m.card_number] = m
        for chunk in _chunks(list(set(digests.values()))):
            for m in Member.objects.filter(id_number_hash__in=chunk).select_related("unit"):
                by_hash[m.id_number_hash] = m
    scope = scope_for(actor)
    manageable = {u.pk for u in units}
    readable = scope.read_units()

    def may_see(m: Member) -> bool:
        return readable is None or m.unit_id in readable

    seen_cards: dict[str, int] = {}
    seen_hashes: dict[str, int] = {}
    for done, row in enumerate(rows, 1):
        if on_progress and done % 1000 == 0:
            on_progress(total + done, total * 2)
        if row.kind == "skipped":
            continue
        _resolve_row(
            row,
            headers=headers,
            by_card=by_card,
            by_hash=by_hash,
            digest=digests.get(row.number),
            by_name=by_name,
            only_unit=only_unit,
            manageable=manageable,
            may_see=may_see,
            seen_cards=seen_cards,
            seen_hashes=seen_hashes,
            today=today,
            choices=choices,
        )
        if row.errors:
            row.kind = "error"
        elif row.member is None:
            plan.creates.append(row)
        elif row.changed_fields:
            row.kind = "changed"
            plan.updates.append(row)
        else:
            row.kind = "unchanged"
    return plan


def _holder_text(m: Member, may_see) -> str:
    if may_see(m):
        return _("%(name)s of %(unit)s (card number %(card)s)") % {
            "name": m.name,
            "unit": m.unit.name,
            "card": m.card_number,
        }
    return _("a member of another unit")


def _resolve_row(row: Row, *, headers, by_card, by_hash, digest, by_name, only_unit, manageable, may_see,
                 seen_cards, seen_hashes, today, choices) -> None:  # fmt: skip
    v = row.values
    h = headers.header
    card = v.get("card_number")
    if not card:
        if not any(c == h("card_number") for c, _m in row.errors):
            row.error(h("card_number"), _("The card number is required: it says which member the row is."))
        return
    if card in seen_cards:
        row.error(h("card_number"), _("The same card number is on row %(row)s.") % {"row": seen_cards[card]})
        return
    seen_cards[card] = row.number
    if digest:
        if digest in seen_hashes:
            row.error(h("id_number"), _("The same ID number is on row %(row)s.") % {"row": seen_hashes[digest]})
        else:
            seen_hashes[digest] = row.number

    member = by_card.get(card)
    # The unit: by name or short name, only one the actor manages; blank keeps it (or, for a new
    # member of an officer with one unit, that unit).
    unit = None
    if "unit" in v:
        unit = by_name.get(v["unit"])
        if unit is None:
            row.error(
                h("unit"),
                _("“%(name)s” is not a unit you manage: write the unit's full name as in the portal.")
                % {"name": v["unit"]},
            )
    if member is not None:
        if member.unit_id not in manageable:
            if may_see(member):
                row.error(
                    h("card_number"),
                    _("Card number %(card)s belongs to %(holder)s, whom you do not manage.")
                    % {"card": card, "holder": _holder_text(member, may_see)},
                )
            else:
                row.error(
                    h("card_number"),
                    _(
                        "Card number %(card)s is already held by a member of another unit: if this person has "
                        "moved to your unit, ask the city union for a transfer (转接); otherwise check the number."
                    )
                    % {"card": card},
                )
            return
        if unit is not None and unit.pk != member.unit_id:
            row.error(
                h("unit"),
                _(
                    "%(name)s belongs to %(unit)s: a move to another unit is a transfer (转接) on the member's "
                    "page, not an import."
                )
                % {"name": member.name, "unit": member.unit.name},
            )
        row.member = member
    else:
        if unit is None and "unit" not in v:
            if only_unit is not None:
                unit = only_unit
            else:
                row.error(h("unit"), _("The unit is required for a new member."))
        if "name" not in v and not _has_error(row, h("name")):
            row.error(h("name"), _("The name is required for a new member."))
        if "join_date" not in v and not _has_error(row, h("join_date")):
            row.error(h("join_date"), _("The join date is required for a new member."))
        if row.masked_id:
            row.error(h("id_number"), _("The ID number is masked (as in an export): write the full 18 characters."))
        elif row.facts is None and not _has_error(row, h("id_number")):
            row.error(h("id_number"), _("The ID number is required for a new member."))

    # The ID number: who else holds it.
    if digest:
        holder = by_hash.get(digest)
        if holder is not None and holder.card_number != card:
            if may_see(holder):
                row.error(
                    h("id_number"),
                    _("This ID number belongs to %(holder)s: use that card number to update the member.")
                    % {"holder": _holder_text(holder, may_see)},
                )
            else:
                row.error(
                    h("id_number"),
                    _(
                        "This ID number belongs to a member of another unit: if the person has moved to your "
                        "unit, ask the city union for a transfer (转接)."
                    ),
                )
    if member is not None and row.masked_id and row.masked_id != member.id_number_masked:
        row.error(
            h("id_number"),
            _(
                "The masked ID number does not match the member's: leave the "
                "cell as exported, or write the full number."
            ),
        )
    if row.errors:
        return

    if member is None:
        row.values["unit"] = unit
        return _check_new(row, h, today)
    _diff(row, member, h, choices, digest, today)


def _has_error(row: Row, column: str) -> bool:
    return any(c == column for c, _m in row.errors)


def _check_new(row: Row, h, today) -> None:
    v = row.values
    probe = _Probe(v.get("gender", ""), v.get("birth_date"), v.get("join_date"))
    if row.facts:
        Member.fill_from_id(probe, row.facts)
    _rule_errors(row, probe, h, today)
    for f, default in NEW_DEFAULTS.items():
        if f not in v:
            row.notes.append((h(f), _("blank: recorded as “%(label)s”") % {"label": _label(f, default)}))
    row.kind = "new"


@dataclass
class _Probe:
    """The values a member would have, for the record's own rules (Member.fill_from_id and
    Member.rule_errors, called on it: the rules live once, on the model), without a model instance
    (whose __init__ is the slowest part of checking 10,000 rows)."""

    gender: str
    birth_date: date | None
    join_date: date | None


def _rule_errors(row: Row, probe, h, today) -> None:
    for f, message in Member.rule_errors(probe, row.facts, today).items():
        row.error(h(f), message)


def _label(f: str, code) -> str:
    choices = CHOICE_FIELDS.get(f)
    if choices is None:
        return code
    with translation.override("zh-hans"):
        return str(dict(choices.choices).get(code, code))


def _shown(f: str, value) -> str:
    if value in (None, ""):
        return "—"
    if f in CHOICE_FIELDS:
        return _label(f, value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _diff(row: Row, member: Member, h, choices, digest, today) -> None:
    """Blank cells keep the stored value; every other field that differs is a change (old → new)."""
    v = row.values
    changed: list[str] = []
    for f in WRITABLE:
        if f not in v:
            continue
        if getattr(member, f) != v[f]:
            row.changes.append((h(f), _shown(f, getattr(member, f)), _shown(f, v[f])))
            changed.append(f)
    new_id = bool(digest) and digest != member.id_number_hash
    if new_id:
        row.changes.append((h("id_number"), member.id_number_masked, idnumbers.mask(row.facts.number)))
    if (changed or new_id) and member.status not in CURRENT_STATUSES:
        row.error(
            h("card_number"),
            _("%(name)s's membership has ended (%(status)s): an import does not change it; reinstate the member first.")
            % {"name": member.name, "status": member.get_status_display()},
        )
        return
    if not changed and not new_id:
        return
    # The record's own rules on the values it would have.
    facts = row.facts if new_id else None
    if facts is None and ({"gender", "birth_date"} & set(changed)):
        try:
            facts = idnumbers.parse(member.reveal_id_number())
        except (ValidationError, Exception):  # noqa: BLE001 - a stored number that no key opens: no check
            facts = None
    probe = _Probe(
        v.get("gender", member.gender), v.get("birth_date", member.birth_date), v.get("join_date", member.join_date)
    )
    for f, message in Member.rule_errors(probe, facts, today).items():
        if f in changed or new_id:
            row.error(h(f), message)
    if row.errors:
        return
    row.changed_fields = changed + (["id_number"] if new_id else [])


# --- Saving ---------------------------------------------------------------------------------------
#: A new member's columns as the check decides them (``_new_values``); the save adds the ID number's encrypted
#: and masked forms and the pinyin keys (``_new_member``), bulkwrite the id and the timestamps.
NEW_COLUMNS = [
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "native_place",
    "political_status",
    "education",
    "unit_id",
    "position",
    "professional_title",
    "employment_type",
    "join_date",
    "card_number",
    "mobile",
    "notes",
    "status",
    "id_number",  # in full: encrypted at the save, never stored so
    "id_number_hash",
]
#: Fields this module computes itself (not from a cell) with a fixed form: the model's field checks of an
#: update skip them. A new member's values are not put through the model's field checks at all: each comes from
#: this module's normalisers, which accept only what those checks accept (the name by the model's own pattern,
#: the mobile by its pattern, the choices by their codes, the text columns by their lengths, dates as dates).
COMPUTED = [
    "unit",
    "user",
    "id_number_encrypted",
    "id_number_hash",
    "id_number_masked",
    "status",
    "created_at",
    "updated_at",
]
_name_keys = lru_cache(maxsize=65536)(name_keys)  # names repeat in a city's roster; the keys are pure


def _new_values(row: Row) -> dict:
    """The columns of the new member a checked row makes (blank cells: the model's defaults, or the ID
    number's gender and birth date)."""
    v = row.values
    probe = _Probe(v.get("gender", ""), v.get("birth_date"), None)
    Member.fill_from_id(probe, row.facts)
    return {
        "name": v["name"],
        "gender": probe.gender,
        "ethnicity": v.get("ethnicity", NEW_DEFAULTS["ethnicity"]),
        "birth_date": probe.birth_date,
        "native_place": v.get("native_place", ""),
        "political_status": v.get("political_status", NEW_DEFAULTS["political_status"]),
        "education": v.get("education", ""),
        "unit_id": v["unit"].pk,
        "position": v.get("position", ""),
        "professional_title": v.get("professional_title", ""),
        "employment_type": v.get("employment_type", NEW_DEFAULTS["employment_type"]),
        "join_date": v["join_date"],
        "card_number": v["card_number"],
        "mobile": v.get("mobile", ""),
        "notes": v.get("notes", ""),
        "status": MemberStatus.ACTIVE,
        "id_number": row.facts.number,
        "id_number_hash": row.digest or idnumbers.keyed_hash(row.facts.number),
    }


def _new_member(values: dict) -> dict:
    """Every column of one new member: the ID number encrypted and masked (its keyed hash was computed at
    the check), the pinyin search keys (issue #18)."""
    out = {c: values[c] for c in NEW_COLUMNS if c != "id_number"}
    number = values["id_number"]
    out["id_number_encrypted"] = idnumbers.encrypt(number)
    out["id_number_masked"] = idnumbers.mask(number)
    out["name_pinyin"], out["name_search"] = _name_keys(values["name"])
    out["user_id"] = None
    return out


def save_plan(
    *, actor, plan: Plan, update_existing: bool, on_progress: Callable[[int, int], None] | None = None
) -> tuple[int, int]:
    """Write the plan (call inside a transaction, after check_roster found no problem): the new members
    with their history and join record; the changed ones only when ``update_existing``. Returns
    (added, updated)."""
    assert plan.ok, "save_plan needs a plan without problems"
    return save_rows(
        actor=actor,
        creates=[_new_values(row) for row in plan.creates],
        updates=plan.updates if update_existing else [],
        on_progress=on_progress,
    )


def save_rows(
    *, actor, creates: list[dict], updates: list[Row], on_progress: Callable[[int, int], None] | None = None
) -> tuple[int, int]:
    """Write checked rows (inside a transaction): ``creates`` as ``_new_values`` gives them, each with its
    history row and join record (members.bulkwrite: COPY on PostgreSQL); ``updates``, the changed rows, with
    one history row each. Returns (added, updated)."""
    total = max(1, len(creates) + len(updates))
    now = timezone.now()
    reason = _("Excel import")
    added = 0
    for batch in _chunks(creates):
        added += len(
            bulkwrite.create_members([_new_member(values) for values in batch], user=actor, reason=reason, now=now)
        )
        if on_progress:
            on_progress(added, total)
    done = added
    # Changed members: grouped by the set of fields they change, one UPDATE batch per group.
    groups: dict[tuple[str, ...], list[Member]] = {}
    for row in updates:
        m = row.member
        fields = []
        for f in row.changed_fields:
            if f == "id_number":
                m.id_number_encrypted = idnumbers.encrypt(row.facts.number)
                m.id_number_hash = row.digest or idnumbers.keyed_hash(row.facts.number)
                m.id_number_masked = idnumbers.mask(row.facts.number)
                fields += ["id_number_encrypted", "id_number_hash", "id_number_masked"]
            else:
                setattr(m, f, row.values[f])
                fields.append(f)
                if f == "name":  # the pinyin search keys follow the name (issue #18)
                    m.fill_name_keys()
                    fields += ["name_pinyin", "name_search"]
        m.updated_at = now
        m.clean_fields(exclude=COMPUTED)
        groups.setdefault(tuple(fields), []).append(m)
    for fields, members in groups.items():
        for batch in _chunks(members, 1000):
            with unscoped("the members this import changes, each checked to be in a unit the actor manages"):
                bulk_update_with_history(
                    batch,
                    Member,
                    [*fields, "updated_at"],
                    batch_size=1000,
                    default_change_reason=reason,
                    default_user=actor,
                )
            done += len(batch)
            if on_progress:
                on_progress(done, total)
    countcache.members_changed()  # bulk writes send no signals: the member list's kept counts go stale
    return added, len(updates)


# --- The plan kept from the check to the confirmation ---------------------------------------------------
#: What a member to update looked like at the check: if any of it differs at the confirmation, the file is
#: checked again.
FINGERPRINT = ["unit_id", "status", "card_number", "id_number_hash", *WRITABLE]
KEPT_VERSION = 1


def _plain(value):
    return {"d": value.isoformat()} if isinstance(value, date) else value


def _unplain(value):
    return date.fromisoformat(value["d"]) if isinstance(value, dict) else value


def _fingerprint(m: Member) -> list:
    return [_plain(getattr(m, f)) for f in FINGERPRINT]


def keep_plan(plan: Plan, *, actor) -> str:
    """The checked file's writes, kept (sealed, beside the rows) for the confirmation, with what they depend
    on: the actor, the day, the units the actor manages, each member to update as it was."""
    assert plan.ok, "only a plan without problems is kept"
    return json.dumps(
        {
            "v": KEPT_VERSION,
            "actor": actor.pk,
            "on": plan.checked_on.isoformat(),
            "units": sorted(plan.unit_ids),
            "columns": NEW_COLUMNS,
            "creates": [[_plain(values[c]) for c in NEW_COLUMNS] for values in map(_new_values, plan.creates)],
            "updates": [
                {
                    "row": row.number,
                    "pk": row.member.pk,
                    "seen": _fingerprint(row.member),
                    "fields": row.changed_fields,
                    "values": {f: _plain(row.values[f]) for f in row.changed_fields if f != "id_number"},
                    "id": row.facts.number if "id_number" in row.changed_fields else "",
                    "hash": row.digest if "id_number" in row.changed_fields else "",
                }
                for row in plan.updates
            ],
        },
        ensure_ascii=False,
    )


def kept_writes(text: str, *, actor, update_existing: bool, today: date | None = None):
    """The writes of a plan kept at the check, as ``(creates, updates)`` for ``save_rows``, when nothing they
    depend on has changed: the same actor and day, the same units the actor manages, no member holding a new
    row's card or ID number (nor a changed row's new ID number), every member to update as it was at the check
    (and locked until the commit). Otherwise None: the file must be checked again. Call inside the save's
    transaction; the unique constraints still refuse a holder that appears after these queries."""
    today = today or timezone.localdate()
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if (
        data.get("v") != KEPT_VERSION
        or data.get("actor") != actor.pk
        or data.get("on") != today.isoformat()
        or data.get("columns") != NEW_COLUMNS
    ):
        return None
    units = Organization.objects.for_actor(actor, manage=True).units().filter(is_active=True)
    if sorted(units.values_list("pk", flat=True)) != data["units"]:
        return None
    creates = [dict(zip(NEW_COLUMNS, map(_unplain, values), strict=True)) for values in data["creates"]]
    kept_updates = data["updates"] if update_existing else []
    cards = [values["card_number"] for values in creates]
    digests = [values["id_number_hash"] for values in creates] + [u["hash"] for u in kept_updates if u["hash"]]
    updates: list[Row] = []
    with unscoped("card and ID numbers are unique across the city: the import must find every holder"):
        for chunk in _chunks(cards):
            if Member.objects.filter(card_number__in=chunk).exists():
                return None
        for chunk in _chunks(digests):
            if Member.objects.filter(id_number_hash__in=chunk).exists():
                return None
        members: dict[int, Member] = {}
        for chunk in _chunks([u["pk"] for u in kept_updates]):
            locked = Member.objects.select_for_update(of=("self",)).filter(pk__in=chunk).order_by("pk")
            members.update((m.pk, m) for m in locked)
    for u in kept_updates:
        m = members.get(u["pk"])
        if m is None or _fingerprint(m) != u["seen"]:
            return None
        updates.append(
            Row(
                number=u["row"],
                values={f: _unplain(v) for f, v in u["values"].items()},
                facts=idnumbers.parse(u["id"]) if u["id"] else None,
                member=m,
                changed_fields=u["fields"],
                digest=u["hash"],
            )
        )
    return creates, updates


def preview_of(plan: Plan) -> dict:
    """The preview as kept for the page: warnings, counts and every row's report (no full ID number)."""
    return {
        "fatal": plan.fatal,
        "warnings": plan.warnings,
        "rows": [r.report() for r in plan.rows],
        "counts": {k: plan.count(k) for k in ("new", "changed", "unchanged", "error", "skipped")},
    }
