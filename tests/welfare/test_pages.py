"""The welfare pages: the officer's flow, exports, who may see what, and pinned query counts."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from members.models import Member
from tests.factories import MemberFactory
from welfare import services
from welfare.models import CategoryCap, Distribution, FestivalCap

from .conftest import confirmed_batch, festival_batch
from .factories import ConfirmedDistributionFactory, DistributionFactory, WelfarePolicyFactory


def unit_members(unit) -> list:
    return list(Member.objects.filter(unit=unit).order_by("pk"))


def draft(officer, unit, policy, **kwargs):
    """A draft batch of the unit with all its members on the roster (as rows, not the workflow)."""
    return DistributionFactory(
        organization=unit, policy=policy, created_by=officer, roster=unit_members(unit), **kwargs
    )


def confirmed(officer, unit, policy, **kwargs):
    """A confirmed batch of the unit, its members' budgets charged (as rows, not the workflow)."""
    return ConfirmedDistributionFactory(
        organization=unit, policy=policy, created_by=officer, roster=unit_members(unit), **kwargs
    )


def xlsx(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(BytesIO(b"".join(response.streaming_content))).active


pytestmark = pytest.mark.django_db


def create_url():
    return reverse("welfare:create")


def post_batch(client, unit, **overrides):
    data = {
        "organization": unit.pk,
        "category": "festival",
        "festival": "mid_autumn",
        "date": "2026-09-20",
        "item": "中秋月饼礼盒",
        "form": "goods",
        "amount": "500",
        **overrides,
    }
    return client.post(create_url(), data)


def test_officer_creates_flags_removes_confirms_and_records_sign_offs(client, tree, officer_a, policy):
    near = MemberFactory(unit=tree["a"], name="李近限")
    ok = MemberFactory(unit=tree["a"], name="王正常")
    earlier = confirmed_batch(officer_a, tree["a"], festival="spring", on=date(2026, 2, 10), amount="800")
    # The spring batch went to everyone (800); 李近限 alone also received 600 at Qingming: 1,400.
    extra = festival_batch(officer_a, tree["a"], festival="qingming", on=date(2026, 4, 3), amount="600")
    for r in extra.recipients.exclude(member=near):
        services.recipient_remove(actor=officer_a, recipient=r, reason="仅个别")
    services.distribution_confirm(actor=officer_a, distribution=extra)
    assert earlier.pk
    client.force_login(officer_a)
    response = post_batch(client, tree["a"])
    batch = Distribution.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == reverse("welfare:detail", args=[batch.pk])
    page = client.get(response["Location"]).content.decode()
    assert page.count('data-testid="cap-problem"') == 1 and "李近限" in page and "1400" in page and "1800" in page
    assert page.count('data-testid="cap-summary"') == 1 and "1 人将超出上限" in page
    assert "登记领取" not in page  # a draft records no receipts
    # Confirming anyway is refused with the summary.
    response = client.post(reverse("welfare:confirm", args=[batch.pk]), follow=True)
    assert "1 人将超出上限" in "".join(str(m) for m in response.context["messages"])
    batch.refresh_from_db()
    assert batch.is_draft
    r = batch.recipients.get(member=near)
    client.post(reverse("welfare:recipient_remove", args=[batch.pk, r.pk]), {"reason": "已达年度上限"})
    response = client.post(reverse("welfare:confirm", args=[batch.pk]), follow=True)
    batch.refresh_from_db()
    assert not batch.is_draft and 'data-testid="cap-problem"' not in response.content.decode()
    r_ok = batch.recipients.get(member=ok)
    assert "登记领取" in client.get(reverse("welfare:detail", args=[batch.pk])).content.decode()
    client.post(
        reverse("welfare:recipient_sign", args=[batch.pk, r_ok.pk]), {"received_on": "2026-09-20", "received_by": ""}
    )
    r_ok.refresh_from_db()
    assert r_ok.received_on == date(2026, 9, 20)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"festival": ""}, "festival"),
        ({"form": "money"}, "form"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"date": "2026-13-40"}, "date"),
        ({"date": "2040-01-01"}, "date"),
        ({"organization": "999999"}, "organization"),
    ],
)
def test_bad_input_gives_a_message_on_the_field_and_saves_nothing(client, tree, officer_a, policy, overrides, field):
    client.force_login(officer_a)
    response = post_batch(client, tree["a"], **overrides)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Distribution.objects.exists()


def test_bad_action_input_gives_a_message_not_a_500(client, tree, officer_a, policy):
    batch = festival_batch(officer_a, tree["a"])
    r = batch.recipients.first()
    client.force_login(officer_a)
    for url, data in [
        (reverse("welfare:recipient_remove", args=[batch.pk, r.pk]), {"reason": ""}),
        (reverse("welfare:recipient_add", args=[batch.pk]), {"member": "abc", "reason": "x"}),
        (reverse("welfare:amount", args=[batch.pk]), {"amount": "0"}),
        (reverse("welfare:recipient_sign", args=[batch.pk, r.pk]), {"received_on": "2026-09-20"}),
    ]:
        response = client.post(url, data, follow=True)
        assert response.status_code == 200, url
        assert list(response.context["messages"])[0].level_tag == "danger", url
    assert client.post(reverse("welfare:recipient_remove", args=[batch.pk, 999999]), {"reason": "x"}).status_code == 404


def test_signoff_sheet_has_chinese_headers_an_empty_signature_column_and_no_formulas(client, tree, officer_a, policy):
    MemberFactory.create_batch(3, unit=tree["a"])
    batch = confirmed(officer_a, tree["a"], policy, item='=HYPERLINK("http://x")')
    client.force_login(officer_a)
    ws = xlsx(client.get(reverse("welfare:signoff_xlsx", args=[batch.pk])))
    assert ws["A1"].value == '市财政局 2026-09-20 =HYPERLINK("http://x") 签收表'  # the heading: unit, date, item
    headers = [c.value for c in ws[2]]
    assert headers == ["序号", "单位", "姓名", "物品", "金额（元）", "签名", "日期"]
    rows = list(ws.iter_rows(min_row=3, max_row=6))
    for row in rows:
        assert row[1].value == "市财政局" and row[5].value is None and row[4].value == Decimal("500")
        item = row[3]
        assert item.value == '=HYPERLINK("http://x")' and item.data_type == "s" and item.quotePrefix  # text


def test_signoff_sheet_is_ready_for_the_finance_office(client, tree, officer_a, policy):
    """The totals row, the three signature lines with dates, the title and header on every printed page,
    page numbers, A4 fitted to the width: in the xlsx and in the print view."""
    MemberFactory.create_batch(3, unit=tree["a"])
    batch = confirmed(officer_a, tree["a"], policy)
    client.force_login(officer_a)
    ws = xlsx(client.get(reverse("welfare:signoff_xlsx", args=[batch.pk])))
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[6][:5] == ["合计", None, "4 人", None, 2000]  # after the 4 people
    assert ws.cell(row=7, column=5).number_format == "#,##0.00" and ws.cell(row=7, column=1).font.b
    signatures = [row[0] for row in values[7:] if row[0]]
    assert [s.split("（")[0] for s in signatures] == ["经办人", "审核人", "单位工会负责人"]
    assert all("签字" in s and "日期" in s for s in signatures)
    assert ws.print_title_rows == "$1:$2"  # the title and the header on every page
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert ws.page_setup.paperSize == 9 and ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage

    page = client.get(reverse("welfare:signoff_print", args=[batch.pk])).content.decode()
    assert page.count('data-testid="print-row"') == 4 and "签名" in page
    assert "市财政局 2026-09-20 中秋月饼礼盒 签收表" in page
    assert "thead { display: table-header-group; }" in page
    assert 'content: "第 " counter(page) " 页 共 " counter(pages) " 页"' in page
    totals = page.split('data-testid="print-totals"')[1].split("</tr>")[0]
    assert "合计" in totals and "4 人" in totals and "2,000.00" in totals
    for role in ("经办人（签字）", "审核人（签字）", "单位工会负责人（签字）"):
        assert role in page


def test_exports_keep_chinese_headers_under_the_english_interface(client, tree, officer_a, policy):
    batch = confirmed(officer_a, tree["a"], policy)
    client.force_login(officer_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("welfare:detail", args=[batch.pk])).content.decode()
    assert "Sign-off sheet (xlsx)" in page and "签收表" not in page  # the interface is English...
    ws = xlsx(client.get(reverse("welfare:signoff_xlsx", args=[batch.pk])))
    assert ws.title == "签收表" and ws["A1"].value.endswith("签收表")  # ...the files are not
    assert [c.value for c in ws[2]] == ["序号", "单位", "姓名", "物品", "金额（元）", "签名", "日期"]
    ws = xlsx(client.get(reverse("welfare:report_xlsx") + "?year=2026"))
    headers = [c.value for c in ws[2]]
    assert headers[:4] == ["单位", "在册会员", "节日慰问品 支出", "节日慰问品 上限×人数"]
    assert not any(h.isascii() for h in headers)


def test_the_cap_summary_and_its_one_action_on_the_page(client, tree, officer_a, officer_b, zone_lead, policy):
    near = [MemberFactory(unit=tree["a"], name=n) for n in ("李近限", "周近限")]
    confirmed_batch(officer_a, tree["a"], festival="spring", on=date(2026, 2, 10), amount="800")
    extra = festival_batch(officer_a, tree["a"], festival="qingming", on=date(2026, 4, 3), amount="600")
    for r in extra.recipients.exclude(member__in=near):
        services.recipient_remove(actor=officer_a, recipient=r, reason="仅个别")
    services.distribution_confirm(actor=officer_a, distribution=extra)
    batch = festival_batch(officer_a, tree["a"], amount="500")
    url = reverse("welfare:remove_over_cap", args=[batch.pk])
    client.force_login(officer_a)
    page = client.get(reverse("welfare:detail", args=[batch.pk])).content.decode()
    assert "2 人将超出上限：合计超出 200.00 元，单人最多超出 100.00 元" in page
    assert "所有人都不超出上限的最高人均金额：400.00 元" in page
    assert page.count('data-testid="remove-over-cap"') == 1 and "将超出上限的 2 人移出本批次" in page
    # Another unit's officer and the zone lead cannot use the action (404 outside the scope, 403 read-only).
    client.force_login(officer_b)
    assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(zone_lead)
    assert client.post(url, {"reason": "x"}).status_code == 403
    assert batch.recipients.filter(included=False).count() == 0
    client.force_login(officer_a)
    response = client.post(url, {"reason": "已达年度上限"}, follow=True)
    assert "已将超出上限的 2 人移出本批次" in response.content.decode()
    assert set(batch.recipients.filter(included=False).values_list("member__name", flat=True)) == {"李近限", "周近限"}
    assert 'data-testid="cap-summary"' not in response.content.decode()


def test_officer_of_another_unit_gets_404_everywhere(client, tree, officer_a, officer_b, policy):
    batch = draft(officer_a, tree["a"], policy)
    r = batch.recipients.first()
    client.force_login(officer_a)  # the control: the own unit's officer opens it
    assert client.get(reverse("welfare:detail", args=[batch.pk])).status_code == 200
    client.force_login(officer_b)
    for url in [
        reverse("welfare:detail", args=[batch.pk]),
        reverse("welfare:signoff_xlsx", args=[batch.pk]),
        reverse("welfare:signoff_print", args=[batch.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        reverse("welfare:confirm", args=[batch.pk]),
        reverse("welfare:delete", args=[batch.pk]),
        reverse("welfare:amount", args=[batch.pk]),
        reverse("welfare:recipient_add", args=[batch.pk]),
        reverse("welfare:recipient_remove", args=[batch.pk, r.pk]),
        reverse("welfare:recipient_sign", args=[batch.pk, r.pk]),
    ]:
        assert client.post(url, {"reason": "x", "amount": "1"}).status_code == 404, url
    assert "中秋月饼礼盒" not in client.get(reverse("welfare:list")).content.decode()
    report = client.get(reverse("welfare:report")).content.decode()
    assert "市财政局" not in report and "市商务局" in report
    assert Distribution.objects.get(pk=batch.pk).is_draft


def test_zone_lead_reads_but_cannot_change(client, tree, officer_a, zone_lead, policy):
    batch = draft(officer_a, tree["a"], policy)
    client.force_login(zone_lead)
    assert client.get(reverse("welfare:detail", args=[batch.pk])).status_code == 200
    assert client.get(reverse("welfare:signoff_xlsx", args=[batch.pk])).status_code == 200
    assert client.post(reverse("welfare:confirm", args=[batch.pk])).status_code == 403
    assert client.get(create_url()).status_code == 403


def test_member_sees_own_gifts_and_what_is_left_but_no_batches(client, tree, officer_a, member_a, policy):
    batch = confirmed(officer_a, tree["a"], policy, festival="spring", date=date(2026, 2, 10), amount=Decimal("800"))
    client.force_login(member_a)
    assert client.get(reverse("welfare:list")).status_code == 403
    assert client.get(reverse("welfare:detail", args=[batch.pk])).status_code == 404
    assert client.get(reverse("welfare:report")).status_code == 403
    page = client.get("/welfare/?year=2026")
    allowance = {row["label"]: row for row in page.context["allowance"]}
    festival = allowance[str(CategoryCap._meta.get_field("category").choices[0][1])]
    assert festival["spent"] == Decimal("800") and festival["left"] == Decimal("1000")
    assert [g.distribution_id for g in page.context["gifts"]] == [batch.pk]
    member_page = client.get(reverse("members:detail", args=[member_a.member.pk])).content.decode()
    assert 'data-testid="welfare-section"' in member_page


def test_policy_caps_are_edited_by_the_city_administrator_only(client, city_admin, officer_a, policy):
    url = reverse("welfare:policy_edit", args=[policy.pk])
    client.force_login(officer_a)
    assert client.get(url).status_code == 403
    client.force_login(city_admin)
    form = client.get(url).context
    data = {"document": "苏工发〔2018〕13号", "include_retained": "on", "include_non_establishment": "on", "notes": ""}
    data.update(
        {"caps-TOTAL_FORMS": "6", "caps-INITIAL_FORMS": "6", "caps-MIN_NUM_FORMS": "6", "caps-MAX_NUM_FORMS": "6"}
    )
    for i, f in enumerate(form["caps"]):
        data[f"caps-{i}-category"] = f.initial["category"]
        data[f"caps-{i}-cap"] = "1500" if f.initial["category"] == "festival" else (f.initial["cap"] or "")
        for flag in ("allow_goods", "allow_coupon", "allow_money"):
            if f.initial[flag]:
                data[f"caps-{i}-{flag}"] = "on"
    data.update({"share-spring": "700", "share-dragon_boat": "", "share-mid_autumn": "400"})
    response = client.post(url, data, follow=True)
    assert response.status_code == 200 and list(response.context["messages"])[0].level_tag == "success"
    assert CategoryCap.objects.get(policy=policy, category="festival").cap == Decimal("1500")
    assert dict(FestivalCap.objects.filter(policy=policy).values_list("festival", "cap")) == {
        "spring": Decimal("700"),
        "mid_autumn": Decimal("400"),
    }
    data["caps-0-allow_money"] = "on"  # festival gifts as money: refused, nothing saved
    response = client.post(url, data)
    assert CategoryCap.objects.get(policy=policy, category="festival").allow_money is False


# session, user in every page (the scope, the permissions and the unread badge kept between requests)
LIST_QUERIES = 5  # + count, unit choices, rows
SHEET_QUERIES = 5  # session, user, batch, rows, access record (the scope kept, no session save); no badge
DETAIL_QUERIES = 6  # confirmed: + batch, roster count, roster page, figures
DRAFT_DETAIL_QUERIES = 11  # draft: + cap, festival share, roster for the check, budgets, candidates
REPORT_QUERIES = 10  # + units, member counts, policy, caps, sums, member count, member rows, their budgets
REPORT_XLSX_QUERIES = 8  # session, user, units, counts, policy, caps, sums, access record (scope kept, no session save)


@pytest.mark.parametrize("size", [10, 100])
def test_query_counts_do_not_grow_with_rows(client, tree, officer_a, policy, django_assert_num_queries, size):
    MemberFactory.create_batch(size - 1, unit=tree["a"])
    batch = confirmed(officer_a, tree["a"], policy)
    for i in range(size - 1):
        DistributionFactory(
            organization=tree["a"],
            policy=policy,
            festival="national",
            date=date(2026, 9, 1 + i % 28),
            item=f"批次{i}",
            amount=Decimal("10"),
            created_by=officer_a,
        )
    client.force_login(officer_a)
    client.get("/welfare/")
    with django_assert_num_queries(LIST_QUERIES):
        page = client.get(reverse("welfare:list") + "?per_page=100").content.decode()
    assert page.count('data-testid="distribution-row"') == size
    with django_assert_num_queries(SHEET_QUERIES):
        client.get(reverse("welfare:signoff_xlsx", args=[batch.pk]))
    with django_assert_num_queries(DETAIL_QUERIES):
        page = client.get(reverse("welfare:detail", args=[batch.pk])).content.decode()
    assert page.count('data-testid="recipient-row"') == size
    with django_assert_num_queries(REPORT_QUERIES):
        page = client.get(reverse("welfare:report") + "?year=2026&per_page=100").content.decode()
    assert page.count('data-testid="member-total-row"') == size
    batch = draft(officer_a, tree["a"], policy, festival="national", date=date(2026, 9, 28), amount=Decimal("100"))
    with django_assert_num_queries(DRAFT_DETAIL_QUERIES):
        page = client.get(reverse("welfare:detail", args=[batch.pk])).content.decode()
    assert page.count('data-testid="recipient-row"') == size
    with django_assert_num_queries(REPORT_XLSX_QUERIES):
        client.get(reverse("welfare:report_xlsx") + "?year=2026")


def test_city_administrator_edits_caps_in_the_admin_too(client, city_admin, policy):
    client.force_login(city_admin)
    assert client.get(f"/admin/welfare/welfarepolicy/{policy.pk}/change/").status_code == 200
    assert client.get("/admin/welfare/distribution/").status_code == 200


@pytest.mark.parametrize("size", [10, 100])
def test_policy_list_query_count_does_not_grow(client, city_admin, django_assert_num_queries, size):
    for year in range(2000, 2000 + size):
        WelfarePolicyFactory(year=year)
    client.force_login(city_admin)
    client.get("/welfare/")
    # session, user, scope (2), count, badge, rows, caps, shares, session save (3); copy-from choices
    with django_assert_num_queries(7):
        page = client.get(reverse("welfare:policies") + "?per_page=100").content.decode()
    assert page.count('data-testid="policy-row"') == size


def test_the_batch_list_sorts_by_its_column_headers(client, tree, officer_a, policy):
    for item, amount in (("甲礼盒", "500"), ("乙礼盒", "10")):
        DistributionFactory(
            organization=tree["a"], policy=policy, item=item, amount=Decimal(amount), created_by=officer_a
        )
    client.force_login(officer_a)
    page = client.get(reverse("welfare:list") + "?sort=amount").content.decode()
    assert page.index("乙礼盒") < page.index("甲礼盒")
    assert "?sort=-amount" in page and "?sort=unit" in page and "?sort=-date" in page  # a second click reverses
    page = client.get(reverse("welfare:list") + "?sort=-amount").content.decode()
    assert page.index("甲礼盒") < page.index("乙礼盒") and "?sort=amount" in page


def test_the_roster_and_the_sign_off_sheet_are_in_pinyin_order(client, tree, officer_a, policy):
    """安 (an), 白 (bai), 张 (zhang): the order of a Chinese roster, not of the character codes (安 张 白)."""
    Member.objects.filter(unit=tree["a"]).delete()
    for name in ("张三丰", "安娜", "白雪"):
        MemberFactory(unit=tree["a"], name=name)
    batch = confirmed(officer_a, tree["a"], policy)
    client.force_login(officer_a)
    ws = xlsx(client.get(reverse("welfare:signoff_xlsx", args=[batch.pk])))
    assert [ws.cell(row=r, column=3).value for r in (3, 4, 5)] == ["安娜", "白雪", "张三丰"]
    page = client.get(reverse("welfare:detail", args=[batch.pk]))
    assert [r.member.name for r in page.context["page"]] == ["安娜", "白雪", "张三丰"]


def test_the_batch_list_counts_the_people_on_each_roster_and_who_signed(client, tree, officer_a, policy):
    """People: the roster's lines still on it; received: those of them signed for. A batch's count is its own,
    whatever the other batches on the page hold (each row counted by its own subquery since issue #23)."""
    MemberFactory.create_batch(3, unit=tree["a"])
    batch = draft(officer_a, tree["a"], policy, item="甲礼盒", date=date(2026, 9, 2))
    lines = list(batch.recipients.order_by("pk"))
    assert len(lines) >= 4
    lines[0].included = False
    lines[0].save()
    for line in lines[1:3]:
        line.received_on = date(2026, 9, 3)
        line.save()
    DistributionFactory(
        organization=tree["a"], policy=policy, created_by=officer_a, item="乙礼盒", date=date(2026, 9, 1)
    )
    client.force_login(officer_a)
    page = client.get(reverse("welfare:list")).content.decode()
    rows = {row.split("</a>")[1].split(">")[-1]: row for row in page.split('data-testid="distribution-row"')[1:]}
    assert set(rows) == {"甲礼盒", "乙礼盒"}
    cells = [c.split("<")[0] for c in rows["甲礼盒"].split('class="text-end">')[2:4]]
    assert cells == [str(len(lines) - 1), "2"]
    cells = [c.split("<")[0] for c in rows["乙礼盒"].split('class="text-end">')[2:4]]
    assert cells == ["0", "0"]
