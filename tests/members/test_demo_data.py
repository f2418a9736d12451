"""The demo data reads true: titles that fit the unit, an import template example no member can match."""

from members import demo
from members.excel import EXAMPLE_CARD, IMPORT_COLUMNS


def test_professional_titles_fit_the_unit():
    units = ["市财政局", "市卫生健康委员会", "市教育局", "市交通运输局", "市委办公室", "市审计局"]
    people = list(demo.people(3000, units))
    by_unit: dict[str, set[str]] = {}
    for p in people:
        by_unit.setdefault(p.unit_name, set()).add(p.professional_title)
    doctors = {"主治医师", "副主任医师", "主管护师", "主管药师"}
    teachers = {"一级教师", "高级教师"}
    engineers = {"助理工程师", "工程师", "高级工程师"}
    assert by_unit["市卫生健康委员会"] & doctors
    assert by_unit["市教育局"] & teachers
    assert by_unit["市交通运输局"] & engineers
    for unit in ("市财政局", "市委办公室", "市审计局"):  # no doctor at the finance bureau
        assert not by_unit[unit] & (doctors | teachers | engineers), unit
    assert not by_unit["市教育局"] & doctors and not by_unit["市卫生健康委员会"] & teachers
    assert "" in by_unit["市财政局"]  # most civil servants hold none


def test_the_same_seed_gives_the_same_people():
    units = ["市财政局", "市教育局"]
    assert list(demo.people(50, units)) == list(demo.people(50, units))


def test_the_import_example_cannot_be_a_demo_member():
    example = {field: value for field, _label, _req, value in IMPORT_COLUMNS}
    people = list(demo.people(5000, ["市财政局", "市教育局"]))
    assert example["card_number"] == EXAMPLE_CARD and not any(p.card_number == EXAMPLE_CARD for p in people)
    assert not example["id_number"].startswith(demo.AREA_CODES)  # a Beijing number: never a Nantong demo member's
    assert example["id_number"] not in {p.id_number for p in people}
    assert example["mobile"] not in {p.mobile for p in people}
