"""Choice lists of the membership registration form (会员信息登记表)."""

from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

_LABELS: dict[tuple, dict] = {}


def labels(model, field: str) -> dict:
    """A choice field's labels (value → text) in the current language, built once per model, field and language:
    ``get_FOO_display()`` builds the field's choices into a dictionary and translates the label on every call,
    which a list or an export pays per row."""
    key = (model, field, get_language())
    table = _LABELS.get(key)
    if table is None:
        table = _LABELS[key] = {code: str(label) for code, label in model._meta.get_field(field).flatchoices}
    return table


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class PoliticalStatus(models.TextChoices):
    PARTY_MEMBER = "party_member", _("CPC member")
    PROBATIONARY = "probationary", _("CPC probationary member")
    LEAGUE = "league", _("Communist Youth League member")
    DEMOCRATIC_PARTY = "democratic_party", _("Democratic party member")
    MASSES = "masses", _("Masses (no affiliation)")


class Education(models.TextChoices):
    DOCTORATE = "doctorate", _("Doctorate")
    MASTER = "master", _("Master's degree")
    BACHELOR = "bachelor", _("Bachelor's degree")
    JUNIOR_COLLEGE = "junior_college", _("Junior college")
    SECONDARY = "secondary", _("Secondary school")
    BELOW = "below", _("Junior middle school or below")


class EmploymentType(models.TextChoices):
    ESTABLISHED = "established", _("Established staff")
    CONTRACT = "contract", _("Non-establishment / contract")
    AGENCY = "agency", _("Agency (labour dispatch)")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    RETAINED = "retained", _("Retained (retired)")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPELLED = "expelled", _("Expelled")
    DECEASED = "deceased", _("Deceased")


#: Statuses whose member still belongs to the union (may log in, receives benefits).
CURRENT_STATUSES = (MemberStatus.ACTIVE, MemberStatus.RETAINED)


class Ethnicity(models.TextChoices):
    """The 56 ethnic groups, with their GB 3304 codes."""

    HAN = "01", pgettext_lazy("ethnic group", "Han")
    MONGOL = "02", pgettext_lazy("ethnic group", "Mongol")
    HUI = "03", pgettext_lazy("ethnic group", "Hui")
    TIBETAN = "04", pgettext_lazy("ethnic group", "Tibetan")
    UYGHUR = "05", pgettext_lazy("ethnic group", "Uyghur")
    MIAO = "06", pgettext_lazy("ethnic group", "Miao")
    YI = "07", pgettext_lazy("ethnic group", "Yi")
    ZHUANG = "08", pgettext_lazy("ethnic group", "Zhuang")
    BUYEI = "09", pgettext_lazy("ethnic group", "Buyei")
    KOREAN = "10", pgettext_lazy("ethnic group", "Korean")
    MANCHU = "11", pgettext_lazy("ethnic group", "Manchu")
    DONG = "12", pgettext_lazy("ethnic group", "Dong")
    YAO = "13", pgettext_lazy("ethnic group", "Yao")
    BAI = "14", pgettext_lazy("ethnic group", "Bai")
    TUJIA = "15", pgettext_lazy("ethnic group", "Tujia")
    HANI = "16", pgettext_lazy("ethnic group", "Hani")
    KAZAKH = "17", pgettext_lazy("ethnic group", "Kazakh")
    DAI = "18", pgettext_lazy("ethnic group", "Dai")
    LI = "19", pgettext_lazy("ethnic group", "Li")
    LISU = "20", pgettext_lazy("ethnic group", "Lisu")
    VA = "21", pgettext_lazy("ethnic group", "Va")
    SHE = "22", pgettext_lazy("ethnic group", "She")
    GAOSHAN = "23", pgettext_lazy("ethnic group", "Gaoshan")
    LAHU = "24", pgettext_lazy("ethnic group", "Lahu")
    SHUI = "25", pgettext_lazy("ethnic group", "Shui")
    DONGXIANG = "26", pgettext_lazy("ethnic group", "Dongxiang")
    NAKHI = "27", pgettext_lazy("ethnic group", "Nakhi")
    JINGPO = "28", pgettext_lazy("ethnic group", "Jingpo")
    KYRGYZ = "29", pgettext_lazy("ethnic group", "Kyrgyz")
    TU = "30", pgettext_lazy("ethnic group", "Tu")
    DAUR = "31", pgettext_lazy("ethnic group", "Daur")
    MULAO = "32", pgettext_lazy("ethnic group", "Mulao")
    QIANG = "33", pgettext_lazy("ethnic group", "Qiang")
    BLANG = "34", pgettext_lazy("ethnic group", "Blang")
    SALAR = "35", pgettext_lazy("ethnic group", "Salar")
    MAONAN = "36", pgettext_lazy("ethnic group", "Maonan")
    GELAO = "37", pgettext_lazy("ethnic group", "Gelao")
    XIBE = "38", pgettext_lazy("ethnic group", "Xibe")
    ACHANG = "39", pgettext_lazy("ethnic group", "Achang")
    PUMI = "40", pgettext_lazy("ethnic group", "Pumi")
    TAJIK = "41", pgettext_lazy("ethnic group", "Tajik")
    NU = "42", pgettext_lazy("ethnic group", "Nu")
    UZBEK = "43", pgettext_lazy("ethnic group", "Uzbek")
    RUSSIAN = "44", pgettext_lazy("ethnic group", "Russian")
    EVENKI = "45", pgettext_lazy("ethnic group", "Evenki")
    DEANG = "46", pgettext_lazy("ethnic group", "De'ang")
    BONAN = "47", pgettext_lazy("ethnic group", "Bonan")
    YUGUR = "48", pgettext_lazy("ethnic group", "Yugur")
    GIN = "49", pgettext_lazy("ethnic group", "Gin")
    TATAR = "50", pgettext_lazy("ethnic group", "Tatar")
    DERUNG = "51", pgettext_lazy("ethnic group", "Derung")
    OROQEN = "52", pgettext_lazy("ethnic group", "Oroqen")
    HEZHEN = "53", pgettext_lazy("ethnic group", "Hezhen")
    MONBA = "54", pgettext_lazy("ethnic group", "Monba")
    LHOBA = "55", pgettext_lazy("ethnic group", "Lhoba")
    JINO = "56", pgettext_lazy("ethnic group", "Jino")
