"""Finding people the way officers do, and names in the order of a Chinese roster (pinyin).

Runs on SQLite (the stored pinyin column) and on PostgreSQL (the ICU collation zh-Hans-x-icu) alike:
``DATABASE_URL=postgres://… pytest tests/members/test_pinyin_search.py``.
"""

from datetime import date

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from members import pinyin, services
from members.models import Member
from members.pagination import UnitOrderPaginator
from members.pinyin import NameOrder, name_keys
from tests.factories import MemberFactory, OrganizationFactory, valid_id_number

pytestmark = pytest.mark.django_db

# In character-code order 张 < 李 < 王 < 白 < 阿: exactly backwards from the roster's order.
ROSTER = ["阿依古丽", "白雪", "李安", "李娜", "王芳", "张晓明"]


def names(response) -> list[str]:
    """The names on the page, less the fixtures' own people (the officers' and members' records, with a login)."""
    return [m.name for m in response.context["page"].object_list if m.user_id is None]


def test_name_keys():
    assert name_keys("张晓明") == ("zhang xiao ming", "zxm zhangxiaoming")
    assert name_keys("单田芳") == ("shan tian fang", "stf shantianfang")  # the surname's reading, not 单 dān
    assert name_keys("阿依古丽·买买提")[1] == "ayglmmt ayigulimaimaiti"
    assert name_keys("John Smith") == ("john smith", "js johnsmith")


# Characters of names, of words in pypinyin's phrase dictionary (重庆, 长沙, 银行, 单于, 曾经 …: read otherwise inside
# the word than alone), of several readings, from the extension blocks, and what is not a Chinese character.
NAME_CHARACTERS = "张王李赵晓明芳娜丽伟重庆长沙银行单于曾经乐行解放朴区查覃仇䶮𠀋〇阿依古买提·Ab1２ 　"


@settings(max_examples=400, deadline=None)
@given(name=st.text(alphabet=NAME_CHARACTERS, min_size=1, max_size=6))
def test_the_per_character_readings_are_pypinyins_own(name):
    """The table of readings (issue #23) gives exactly what pypinyin gives for the whole name: a character inside
    a word of the phrase dictionary is read as in the word (重庆 chóng qìng, not zhòng), a name with any other
    character is pypinyin's call as before."""
    pinyin._READING.clear()
    for _twice in range(2):  # the first call fills the table, the second reads from it
        assert pinyin.syllables(name) == pinyin._lazy(name)


def test_a_phrase_is_read_as_a_word_and_the_rest_from_the_table():
    assert pinyin.syllables("重庆") == ["chong", "qing"]
    assert pinyin.syllables("重") == ["zhong"]
    assert pinyin.syllables("张重") == ["zhang", "zhong"]
    assert name_keys("长沙") == ("chang sha", "cs changsha")


def test_the_member_list_sorts_names_in_pinyin_order(client, tree, officer_a):
    for n in reversed(ROSTER):
        MemberFactory(unit=tree["a"], name=n)
    client.force_login(officer_a)
    assert names(client.get("/members/")) == ROSTER  # the default order: unit, then name
    assert names(client.get("/members/?sort=name")) == ROSTER
    assert names(client.get("/members/?sort=-name")) == ROSTER[::-1]
    assert [m.name for m in Member.objects.filter(name__in=ROSTER).order_by(NameOrder(), "pk")] == ROSTER


def test_pages_in_pinyin_order_are_the_sorted_list(tree):
    other = OrganizationFactory(parent=tree["zone1"], sort_order=99)
    for n in ROSTER:
        MemberFactory(unit=tree["a"], name=n)
        MemberFactory(unit=other, name=n)
    paginator = UnitOrderPaginator(Member.objects.all(), 4)
    got = [m.name for p in paginator.page_range for m in paginator.page(p)]
    assert got == ROSTER + ROSTER
    assert paginator.count == 12


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the ICU collation is PostgreSQL's")
def test_on_postgresql_the_database_sorts_by_the_icu_collation(tree):
    """The order comes from the collation, not from the stored column: a wrong column changes nothing."""
    for n in ROSTER:
        MemberFactory(unit=tree["a"], name=n, name_pinyin="zzz")
    assert [m.name for m in Member.objects.order_by(NameOrder(), "pk")] == ROSTER
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_collation WHERE collname = 'zh-Hans-x-icu'")
        assert cursor.fetchone()


def test_search_by_pinyin_initials_id_number_mobile_part_and_card(client, tree, officer_a):
    zxm = MemberFactory(unit=tree["a"], name="张晓明", mobile="13912345678", card_number="NT0012345")
    MemberFactory(unit=tree["a"], name="李娜", mobile="13800000001", card_number="NT0099999")
    full_id = valid_id_number(4242)
    with_id = MemberFactory(unit=tree["a"], name="王芳", id_number=full_id)
    client.force_login(officer_a)

    def found(q):
        return set(names(client.get("/members/", {"q": q})))

    assert found("zxm") == {"张晓明"}
    assert found("ZXM") == {"张晓明"}
    assert found("zhangxiaoming") == {"张晓明"}
    assert found("zhang xiaoming") == {"张晓明"}
    assert found("xiaoming") == {"张晓明"}
    assert found("5678") == {"张晓明"}  # the last digits of the mobile
    assert found("139123") == {"张晓明"}
    assert found("nt0012345") == {"张晓明"}
    assert found(full_id) == {"王芳"}
    assert found(full_id.lower()) == {"王芳"}  # an x typed in lower case
    assert found(full_id[:17] + ("0" if full_id[17] != "0" else "1")) == set()  # another number
    assert zxm.pk and with_id.pk


def test_the_id_number_search_uses_the_keyed_hash_and_stores_nothing(client, tree, officer_a):
    full_id = valid_id_number(777)
    MemberFactory(unit=tree["a"], name="王芳", id_number=full_id)
    client.force_login(officer_a)
    with pytest.MonkeyPatch.context() as mp:
        seen = []
        from members import idnumbers

        real = idnumbers.keyed_hash
        mp.setattr(idnumbers, "keyed_hash", lambda v: seen.append(v) or real(v))
        assert names(client.get("/members/", {"q": full_id})) == ["王芳"]
    assert seen == [full_id]
    assert not Member.objects.filter(name_pinyin__contains=full_id[:6]).exists()


def test_an_officer_cannot_find_another_units_member_by_id_number_or_pinyin(client, tree, officer_a):
    """The attacker (officer of unit A) knows a member of unit B's ID number and name."""
    full_id = valid_id_number(991)
    MemberFactory(unit=tree["b"], name="张晓明", id_number=full_id)
    client.force_login(officer_a)
    for q in (full_id, "zxm", "zhangxiaoming", "张晓明"):
        assert names(client.get("/members/", {"q": q})) == [], q


def test_the_services_keep_the_pinyin_up_to_date(tree, officer_a):
    from members import idnumbers

    number = valid_id_number(5150)
    facts = idnumbers.parse(number)
    member = services.member_create(
        data={
            "name": "张晓明",
            "join_date": date(2020, 1, 1),
            "card_number": "NT7770001",
            "gender": facts.gender,
            "birth_date": facts.birth_date,
        },
        id_number=number,
        unit=tree["a"],
        actor=officer_a,
    )
    assert (member.name_pinyin, member.name_search) == ("zhang xiao ming", "zxm zhangxiaoming")
    services.member_update(actor=officer_a, member=member, data={"name": "李安"})
    member.refresh_from_db()
    assert (member.name_pinyin, member.name_search) == ("li an", "la lian")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=50))
def test_any_search_text_answers_a_page(client, tree, officer_a, q):
    client.force_login(officer_a)
    control = any(ch < " " and ch not in "\t\r\n" for ch in q)  # such an address answers the Chinese 400 page
    assert client.get("/members/", {"q": q}).status_code == (400 if control else 200)


def test_an_imported_member_is_found_by_pinyin(client, tree, officer_a, settings, tmp_path):
    """The roster import fills the same keys as the services (Member.fill_name_keys)."""
    from members.models import MemberImport
    from tests.members.test_excel import confirm, roster_row, upload
    from tests.members.test_import import sheet

    settings.MEDIA_ROOT = tmp_path
    client.force_login(officer_a)
    upload(client, sheet([roster_row(1, "市财政局", name="欧阳娜娜")]))
    confirm(client, MemberImport.objects.get())
    assert names(client.get("/members/", {"q": "oynn"})) == ["欧阳娜娜"]
    assert names(client.get("/members/", {"q": "ouyang"})) == ["欧阳娜娜"]
