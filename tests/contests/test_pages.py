"""The contest pages and downloads: fixed query counts at two sizes, Chinese headers, formula-safe cells,
the certificate's embedded Chinese font, the per-unit submission overview."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from contests import services

from .factories import RUBRIC, ContestFactory, entrant, score_all, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_admin(city_admin):
    c = Client()
    c.force_login(city_admin)
    return c


def _contest(tree, city_admin, n: int, *, final: bool = False):
    contest = ContestFactory(organizer=tree["city"], excellence_awards=50)
    services.criteria_set(actor=city_admin, contest=contest, rows=RUBRIC)
    for i in range(n):
        submit(entrant(tree["abc"[i % 3]]), contest, title='=HYPERLINK("x")' if i == 0 else f"作品{i}")
    judges = [services.expert_add(actor=city_admin, contest=contest, name=f"专家{j}")[0] for j in range(2)]
    services.judging_start(actor=city_admin, contest=contest)
    for judge in judges:
        score_all(judge)
    if final:
        services.judging_close(actor=city_admin, contest=contest)
        services.results_publish(actor=city_admin, contest=contest)
        contest.refresh_from_db()
        services.results_finalise(actor=city_admin, contest=contest, now=contest.notice_ends_at + timedelta(seconds=1))
    return contest


@pytest.mark.parametrize("n", [2, 6])
def test_pages_and_exports_read_a_fixed_number_of_queries(tree, city_admin, client_admin, n, django_assert_num_queries):
    contest = _contest(tree, city_admin, n, final=True)
    client_admin.get(reverse("contests:list"))
    counts = {
        reverse("contests:list"): 4,
        reverse("contests:detail", args=[contest.pk]): 12,
        reverse("contests:results", args=[contest.pk]): 6,
        reverse("contests:submissions", args=[contest.pk]): 11,
        reverse("contests:entries_xlsx", args=[contest.pk]): 10,
        reverse("contests:scores_xlsx", args=[contest.pk]): 13,
        reverse("contests:results_xlsx", args=[contest.pk]): 12,
        reverse("contests:certificates", args=[contest.pk]): 7,
    }
    for url, expected in counts.items():
        with django_assert_num_queries(expected):
            assert client_admin.get(url).status_code == 200, url


def test_the_results_sheet_has_chinese_headers_every_judges_score_and_formula_safe_text(tree, city_admin, client_admin):
    contest = _contest(tree, city_admin, 3, final=True)
    response = client_admin.get(reverse("contests:results_xlsx", args=[contest.pk]), HTTP_ACCEPT_LANGUAGE="en")
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][:7] == ("名次", "作品编号", "作品名称", "参赛人", "单位", "奖项", "成绩")
    assert rows[1][7:] == ("专家0", "专家1")
    titles = [r[2] for r in rows[2:]]
    cells = [c for c in ws.iter_rows(min_row=3) for c in c if c.column == 3]
    dangerous = next(c for c in cells if "HYPERLINK" in str(c.value))
    assert dangerous.data_type == "s" and dangerous.quotePrefix
    assert all(r[7] is not None and r[8] is not None for r in rows[2:]) and len(titles) == 3


def test_the_certificate_embeds_its_chinese_font(tree, city_admin, member_a):
    from pypdf import PdfReader

    contest = ContestFactory(organizer=tree["city"])
    services.criteria_set(actor=city_admin, contest=contest, rows=RUBRIC)
    entry = submit(member_a, contest, title="濠河晨光")
    judge, _ = services.expert_add(actor=city_admin, contest=contest, name="专家")
    services.judging_start(actor=city_admin, contest=contest)
    score_all(judge)
    services.judging_close(actor=city_admin, contest=contest)
    services.results_publish(actor=city_admin, contest=contest)
    contest.refresh_from_db()
    services.results_finalise(actor=city_admin, contest=contest, now=contest.notice_ends_at + timedelta(seconds=1))
    c = Client()
    c.force_login(member_a)
    response = c.get(reverse("contests:certificate", args=[entry.result.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    page = PdfReader(io.BytesIO(response.content)).pages[0]
    fonts = page["/Resources"]["/Font"]
    descriptors = [
        f.get_object()["/FontDescriptor"].get_object() for f in fonts.values() if "/FontDescriptor" in f.get_object()
    ]
    assert descriptors and all("/FontFile2" in d for d in descriptors)  # embedded TrueType, nothing referenced only
    text = page.extract_text()
    assert "荣" in text and "一等奖" in text and "濠河晨光" in text


def test_the_organiser_sees_who_has_and_has_not_submitted_per_unit(tree, city_admin, client_admin):
    contest = ContestFactory(organizer=tree["city"])
    a1, a2 = entrant(tree["a"], name="钱甲"), entrant(tree["a"], name="孙乙")
    submit(a1, contest)
    page = client_admin.get(reverse("contests:submissions", args=[contest.pk])).content.decode()
    assert "市财政局" in page and "市公安局" in page
    missing = client_admin.get(reverse("contests:submissions", args=[contest.pk]) + f"?unit={tree['a'].pk}&missing=1")
    text = missing.content.decode()
    assert "孙乙" in text and "钱甲" not in text
    assert a2.member.name == "孙乙"
