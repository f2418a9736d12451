"""The direct reader of a roster's sheet (members.xlsxrows) gives the values openpyxl gives, row by row."""

import io
import zipfile
from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from members.xlsxrows import sheet_rows


def _openpyxl_rows(data: bytes) -> list[tuple[int, list]]:
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    ws = wb.worksheets[0]
    ws.reset_dimensions()
    out = [(n, list(row)) for n, row in enumerate(ws.iter_rows(values_only=True), 1) if row]
    wb.close()
    return out


def _saved(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _same(data: bytes) -> list[tuple[int, list]]:
    ours = sheet_rows(data)
    theirs = [(n, row) for n, row in _openpyxl_rows(data) if any(v is not None for v in row)]
    ours = [(n, row) for n, row in ours if any(v is not None for v in row)]
    assert ours == theirs
    return ours


def test_the_kinds_of_cell_a_roster_holds():
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "会员花名册（市财政局）"
    ws.append([])
    ws.append(["姓名", "身份证号", "出生日期", "入会日期", "手机号", "在编", "人数", "比例"])
    ws.append(["张三", "32060019850312001X", date(1985, 3, 12), datetime(2010, 5, 1, 8, 30), 13900000042, True, 3, 0.5])
    ws.append(["李·四", 320600198503120010, "1985/3/12", 40000, "+86 139-0000-0042", False, -7, 1e20])
    ws.append([None, None, None])
    ws.append(["王五", "  x  ", None, None, None, None, None, "=1+1"])
    ws["D5"].number_format = "yyyy-mm-dd"
    ws["C4"].number_format = "yyyy年m月d日"
    ws.row_dimensions[6].hidden = True
    ws.cell(row=12, column=3, value="after a gap")
    rows = _same(_saved(wb))
    assert [n for n, _ in rows] == [1, 3, 4, 5, 7, 12]
    assert rows[2][1][2] == datetime(1985, 3, 12, 0, 0)


SST = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">'
    "<si><t>姓名</t></si>"
    '<si><r><t>欧阳</t></r><r><rPr><b/></rPr><t xml:space="preserve">娜 娜</t></r>'
    '<rPh sb="0" eb="2"><t>オウヨウ</t></rPh></si>'
    '<si><t>市财政局</t><rPh sb="0" eb="1"><t>シ</t></rPh></si></sst>'
)
SHEET = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="C2" t="inlineStr"><is><t>单位</t></is></c></row>'
    '<row r="5"><c r="A5" t="s"><v>1</v></c><c r="B5" t="s"><v>2</v></c>'
    '<c r="C5" t="inlineStr"><is><r><t>财</t></r><r><t>政</t></r></is></c>'
    '<c r="D5" t="str"><f>A5</f><v>公式</v></c><c r="E5" t="e"><v>#N/A</v></c><c r="F5" t="b"><v>1</v></c></row>'
    "</sheetData></worksheet>"
)


def test_shared_strings_rich_text_and_phonetic_runs():
    """Shared strings as Excel writes them (runs, phonetic guides), inline strings, a formula's value."""
    wb = Workbook()
    wb.active.append(["x"])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_saved(wb))) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = SHEET.encode()
            elif item.filename == "xl/_rels/workbook.xml.rels":
                body = body.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
                )
            elif item.filename == "[Content_Types].xml":
                body = body.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                    b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            dst.writestr(item, body)
        dst.writestr("xl/sharedStrings.xml", SST)
    rows = _same(out.getvalue())
    assert rows == [(2, ["姓名", None, "单位"]), (5, ["欧阳娜 娜", "市财政局", "财政", "公式", "#N/A", True])]


cell = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12).filter(
        lambda s: not s.startswith("=")
    ),
    st.integers(min_value=-(10**15), max_value=10**18),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cell, max_size=8), max_size=8))
def test_any_grid_of_values_reads_as_openpyxl_reads_it(grid):
    wb = Workbook()
    for row in grid:
        wb.active.append(row)
    _same(_saved(wb))
