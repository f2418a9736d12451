"""Realistic demo data: the Nantong city organ union, its liaison zones, units and members."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from . import idnumbers
from .choices import Education, EmploymentType, Ethnicity, Gender, MemberStatus, PoliticalStatus

CITY = "南通市级机关工会"
ZONES: dict[str, list[str]] = {
    "综合联系片": ["市委办公室", "市政府办公室", "市发展和改革委员会", "市统计局", "市审计局", "市机关事务管理局"],
    "经济联系片": [
        "市财政局",
        "市工业和信息化局",
        "市商务局",
        "市交通运输局",
        "市住房和城乡建设局",
        "市自然资源和规划局",
    ],
    "政法联系片": ["市公安局", "市司法局", "市市场监督管理局", "市应急管理局", "市生态环境局"],
    "社会事业联系片": [
        "市教育局",
        "市卫生健康委员会",
        "市民政局",
        "市人力资源和社会保障局",
        "市文化广电和旅游局",
        "市科学技术局",
        "市农业农村局",
        "市水利局",
    ],
}
#: Nantong's county-level area codes (崇川, 通州, 海门, 如东, 启东, 如皋, 海安).
AREA_CODES = ("320602", "320612", "320684", "320623", "320681", "320682", "320685")
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
)
GIVEN_M = "伟强磊军洋勇杰涛明超俊浩鹏斌宇辉刚健平建国峰志华文博晨阳亮飞凯毅鑫晓"
GIVEN_F = "芳娜敏静丽艳娟霞燕玲婷雪琳颖慧倩洁梅兰萍红莉欣悦晶怡佳蓉岚玉"
NATIVE = (
    "江苏南通",
    "江苏如皋",
    "江苏海门",
    "江苏启东",
    "江苏海安",
    "江苏如东",
    "江苏泰州",
    "江苏盐城",
    "江苏扬州",
    "上海",
    "浙江杭州",
    "安徽合肥",
    "山东济南",
)
POSITIONS = ("科员", "副主任科员", "主任科员", "科长", "副科长", "一级主任科员", "二级主任科员", "四级调研员", "办事员")
#: Professional titles (职称) by the kind of work a unit does, ten slots each (most civil servants hold none): a
#: doctor's title only at the health commission, a teacher's at the education bureau, an engineer's where
#: things are built, an accountant's or auditor's where money is checked.
TITLES_BY_UNIT = (
    (("卫生健康",), ("", "", "", "", "主治医师", "副主任医师", "主管护师", "主管药师", "经济师", "会计师")),
    (("教育",), ("", "", "", "", "", "一级教师", "高级教师", "高级教师", "经济师", "会计师")),
    (("财政", "审计", "税务"), ("", "", "", "", "会计师", "会计师", "高级会计师", "审计师", "经济师", "助理会计师")),
    (
        ("住房", "交通", "自然资源", "水利", "生态环境", "应急"),
        ("", "", "", "", "助理工程师", "工程师", "工程师", "高级工程师", "经济师", "会计师"),
    ),
    (("农业",), ("", "", "", "", "农艺师", "高级农艺师", "畜牧师", "助理农艺师", "经济师", "会计师")),
    (("科学技术",), ("", "", "", "", "工程师", "高级工程师", "助理研究员", "经济师", "会计师", "")),
    (("统计", "发展", "商务", "市场"), ("", "", "", "", "", "统计师", "经济师", "经济师", "会计师", "")),
)
#: Any other office: few titles, none tied to a profession the unit does not have.
TITLES = ("", "", "", "", "", "", "经济师", "会计师", "助理会计师", "")


def title_for(unit_name: str, slot: int) -> str:
    """The professional title in ``slot`` (0-9) for a member of the unit."""
    for keys, titles in TITLES_BY_UNIT:
        if any(key in unit_name for key in keys):
            return titles[slot]
    return TITLES[slot]


MINORITY_NAMES = ("阿依古丽·买买提", "努尔兰·艾力", "扎西·次仁")


@dataclass(frozen=True)
class DemoPerson:
    card_number: str
    name: str
    gender: str
    birth_date: date
    id_number: str
    ethnicity: str
    unit_name: str
    employment_type: str
    political_status: str
    education: str
    native_place: str
    position: str
    professional_title: str
    join_date: date
    mobile: str
    status: str


def id_number_for(area: str, born: date, seq: int) -> str:
    first17 = f"{area}{born:%Y%m%d}{seq:03d}"
    return first17 + idnumbers.check_char(first17)


def people(count: int, unit_names: list[str], seed: int = 2019) -> Iterator[DemoPerson]:
    """The first ``count`` demo members; the same seed always yields the same people."""
    rng = random.Random(seed)
    # Units differ in size (a big bureau has several times the staff of a small office).
    weights = [random.Random(name).choice((1, 2, 2, 3, 4, 6)) for name in unit_names]
    used_ids: set[str] = set()
    for i in range(count):
        gender = Gender.MALE if rng.random() < 0.52 else Gender.FEMALE
        born = date(1963, 1, 1) + timedelta(days=rng.randrange(0, 365 * 38))
        seq = rng.randrange(0, 500) * 2 + (1 if gender == Gender.MALE else 0)
        area = rng.choice(AREA_CODES)
        number = id_number_for(area, born, seq)
        while number in used_ids:  # vanishingly rare, but the keyed hash must stay unique
            seq = (seq + 2) % 1000
            number = id_number_for(area, born, seq)
        used_ids.add(number)
        if i % 997 == 5:
            name, ethnicity = MINORITY_NAMES[i % len(MINORITY_NAMES)], Ethnicity.UYGHUR
        else:
            given = GIVEN_M if gender == Gender.MALE else GIVEN_F
            name = rng.choice(SURNAMES) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2, 2))))
            ethnicity = (
                Ethnicity.HAN
                if rng.random() < 0.97
                else rng.choice((Ethnicity.HUI, Ethnicity.MANCHU, Ethnicity.ZHUANG, Ethnicity.MONGOL))
            )
        age_2026 = 2026 - born.year
        status = MemberStatus.RETAINED if age_2026 >= 60 else MemberStatus.ACTIVE
        employment = rng.choices(
            (EmploymentType.ESTABLISHED, EmploymentType.CONTRACT, EmploymentType.AGENCY), weights=(75, 18, 7)
        )[0]
        join = date(max(born.year + 22, 1990), 1, 1) + timedelta(days=rng.randrange(0, 3000))
        yield DemoPerson(
            card_number=f"NT{i + 1:07d}",
            name=name,
            gender=gender,
            birth_date=born,
            id_number=number,
            ethnicity=ethnicity,
            unit_name=(unit_name := rng.choices(unit_names, weights)[0]),
            employment_type=employment,
            political_status=rng.choices(
                (
                    PoliticalStatus.PARTY_MEMBER,
                    PoliticalStatus.PROBATIONARY,
                    PoliticalStatus.LEAGUE,
                    PoliticalStatus.DEMOCRATIC_PARTY,
                    PoliticalStatus.MASSES,
                ),
                weights=(60, 3, 10, 4, 23),
            )[0],
            education=rng.choices(
                (
                    Education.DOCTORATE,
                    Education.MASTER,
                    Education.BACHELOR,
                    Education.JUNIOR_COLLEGE,
                    Education.SECONDARY,
                ),
                weights=(3, 25, 55, 12, 5),
            )[0],
            native_place=rng.choice(NATIVE),
            position=rng.choice(POSITIONS),
            professional_title=title_for(unit_name, rng.randrange(len(TITLES))),
            join_date=min(join, date(2026, 6, 30)),
            mobile=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
            status=status,
        )
