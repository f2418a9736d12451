"""Templates to start a questionnaire from (the officer edits the draft afterwards). The texts are the
questionnaire's content, in Chinese as the staff read it."""

from django.utils.translation import gettext_lazy as _

S, M, R, T = "single", "multiple", "rating", "text"

STARTERS = {
    "satisfaction": {
        "title": _("Satisfaction with the union's work"),
        "questions": [
            (R, "您对本单位工会工作的总体满意度", True, []),
            (R, "您对工会组织的文体活动的满意度", True, []),
            (S, "您参加工会活动的频率", True, ["每月都参加", "每季度参加", "每年一两次", "基本不参加"]),
            (M, "您希望工会加强哪些工作", False, ["文体活动", "困难帮扶", "健康关爱", "技能培训", "权益维护"]),
            (T, "您对工会工作的意见和建议", False, []),
        ],
    },
    "thinking": {
        "title": _("Staff thinking and needs"),
        "questions": [
            (S, "您目前的工作压力", True, ["很大", "较大", "一般", "较小"]),
            (M, "您目前最关心的问题", True, ["子女教育", "住房", "医疗健康", "职业发展", "赡养老人", "婚恋交友"]),
            (R, "您对单位工作氛围的评价", True, []),
            (T, "您希望工会帮助解决的困难", False, []),
        ],
    },
    "gift": {
        "title": _("Choice of the festival gift"),
        "questions": [
            (S, "您希望本次节日慰问品选择", True, ["米面粮油", "水果礼盒", "图书", "生活日用品"]),
            (T, "其他建议", False, []),
        ],
    },
}


def choices():
    return [("", _("Empty questionnaire"))] + [(key, value["title"]) for key, value in STARTERS.items()]
