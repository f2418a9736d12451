"""The question bank's xlsx: its template and its reading, with an error per row and column like the roster
import (the file is checked for hostile content first: members.excel)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from members.excel import HostileFile, check_xlsx, read_roster
from members.sheets import Col, chinese, new_workbook, write_sheet

from .models import QuestionKind

LETTERS = "ABCDEF"
TYPE = pgettext_lazy("question bank", "Type")
QUESTION = pgettext_lazy("question bank", "Question")
ANSWER = pgettext_lazy("question bank", "Answer")
EXPLANATION = pgettext_lazy("question bank", "Explanation")
OPTION = pgettext_lazy("question bank", "Option %(letter)s")
TRUE, FALSE = "正确", "错误"
KIND_WORDS = {
    "单选": QuestionKind.SINGLE,
    "单选题": QuestionKind.SINGLE,
    "多选": QuestionKind.MULTIPLE,
    "多选题": QuestionKind.MULTIPLE,
    "判断": QuestionKind.TRUE_FALSE,
    "判断题": QuestionKind.TRUE_FALSE,
    "single": QuestionKind.SINGLE,
    "multiple": QuestionKind.MULTIPLE,
    "true_false": QuestionKind.TRUE_FALSE,
}
TRUE_WORDS, FALSE_WORDS = {"正确", "对", "√", "T", "TRUE", "是"}, {"错误", "错", "×", "F", "FALSE", "否"}
MAX_ROWS = 5000


@dataclass(frozen=True)
class BankError:
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = (
            _("Row %(row)s, column “%(column)s”") % {"row": self.row, "column": self.column}
            if self.row
            else self.column
        )
        return f"{where}: {self.message}" if where else self.message


@dataclass(frozen=True)
class BankRow:
    kind: str
    text: str
    options: list[str]
    answer: str
    explanation: str


def headers() -> list[str]:
    return (
        [chinese(TYPE), chinese(QUESTION)]
        + [chinese(OPTION) % {"letter": x} for x in LETTERS]
        + [
            chinese(ANSWER),
            chinese(EXPLANATION),
        ]
    )


def template_workbook():
    wb = new_workbook()
    cols = [Col(h, 10 if i != 1 else 40) for i, h in enumerate(headers())]
    examples = [
        [
            "单选",
            "工会会员每月缴纳会费的比例是本人工资收入的多少？",
            "0.5%",
            "1%",
            "2%",
            "0.2%",
            "",
            "",
            "A",
            "会费按本人工资收入的0.5%缴纳。",
        ],
        [
            "多选",
            "基层工会经费可用于下列哪些支出？",
            "职工活动支出",
            "维权支出",
            "发放现金福利",
            "业务支出",
            "",
            "",
            "ABD",
            "不得发放现金、购物卡。",
        ],
        ["判断", "节日慰问品可以发放购物卡。", "", "", "", "", "", "", "错误", "只能发放实物或生活必需品。"],
    ]
    write_sheet(wb, gettext_lazy("Questions"), cols, examples)
    return wb


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_bank(data: bytes) -> tuple[list[BankRow], list[BankError]]:
    """The rows of an uploaded bank, or the errors (row numbers as Excel shows them: the header is row 1)."""
    names = headers()
    known = {str(n) for n in names}
    try:
        check_xlsx(data)
        # The roster import's reader: the header row may stand under a title, and every row keeps the
        # number Excel shows it under (blank and hidden rows count).
        roster = read_roster(data, is_header=lambda v: str(v).strip() in known)
    except HostileFile as exc:
        return [], [BankError(None, "", str(exc))]
    type_h, question_h, answer_h, expl_h = names[0], names[1], names[-2], names[-1]
    option_h = names[2:-2]
    missing = [h for h in (type_h, question_h, answer_h) if h not in roster.headers]
    if missing:
        return [], [BankError(None, h, _("This column is missing: use the template.")) for h in missing]
    if len(roster.rows) > MAX_ROWS:
        return [], [BankError(None, "", _("At most %(n)d questions per file.") % {"n": MAX_ROWS})]
    rows, errors = [], []
    for i, values in roster.rows:
        record = dict(zip(roster.headers, values, strict=False))
        kind = KIND_WORDS.get(_text(record.get(type_h)))
        text = _text(record.get(question_h))
        options = [_text(record.get(h)) for h in option_h if h in roster.headers]
        while options and not options[-1]:
            options.pop()
        answer_raw = _text(record.get(answer_h)).upper().replace(",", "").replace("，", "").replace(" ", "")
        explanation = _text(record.get(expl_h)) if expl_h in roster.headers else ""
        row_errors = []
        if kind is None:
            row_errors.append(BankError(i, type_h, _("Write 单选, 多选 or 判断.")))
        if not text:
            row_errors.append(BankError(i, question_h, _("The question is empty.")))
        answer = ""
        if kind == QuestionKind.TRUE_FALSE:
            options = [TRUE, FALSE]
            if answer_raw in TRUE_WORDS:
                answer = "0"
            elif answer_raw in FALSE_WORDS:
                answer = "1"
            else:
                row_errors.append(BankError(i, answer_h, _("Write 正确 or 错误.")))
        elif kind is not None:
            if "" in options:
                gap = option_h[options.index("")]
                row_errors.append(BankError(i, gap, _("An option is empty between filled ones.")))
            if len(options) < 2:
                row_errors.append(
                    BankError(
                        i,
                        option_h[len(options)] if len(options) < len(option_h) else option_h[-1],
                        _("A choice question needs at least two options."),
                    )
                )
            letters = sorted(set(answer_raw))
            bad = [x for x in letters if x not in LETTERS[: len(options)]]
            if not letters or bad:
                row_errors.append(
                    BankError(
                        i,
                        answer_h,
                        _("Give the letters of the right options (A to %(last)s).")
                        % {"last": LETTERS[max(len(options), 1) - 1]},
                    )
                )
            elif kind == QuestionKind.SINGLE and len(letters) != 1:
                row_errors.append(BankError(i, answer_h, _("A single-choice question has exactly one right option.")))
            elif kind == QuestionKind.MULTIPLE and len(letters) < 2:
                row_errors.append(
                    BankError(i, answer_h, _("A multiple-choice question has at least two right options."))
                )
            else:
                answer = ",".join(str(LETTERS.index(x)) for x in letters)
        if len(text) > 2000:
            row_errors.append(BankError(i, question_h, _("The question is longer than 2,000 characters.")))
        if row_errors:
            errors += row_errors
        else:
            rows.append(BankRow(kind, text, options, answer, explanation))
    if not rows and not errors:
        errors.append(BankError(None, "", _("The sheet holds no questions.")))
    return rows, errors


def template_bytes() -> bytes:
    out = io.BytesIO()
    template_workbook().save(out)
    return out.getvalue()
