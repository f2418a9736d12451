"""Festival dates: the lunar ones and 清明 computed by borax, never typed in."""

from datetime import date

import pytest

from members.festivals import festival_calendar, festival_dates


@pytest.mark.parametrize(
    ("year", "spring", "qingming", "dragon_boat", "mid_autumn"),
    [
        (2024, date(2024, 2, 10), date(2024, 4, 4), date(2024, 6, 10), date(2024, 9, 17)),
        (2025, date(2025, 1, 29), date(2025, 4, 4), date(2025, 5, 31), date(2025, 10, 6)),
        (2026, date(2026, 2, 17), date(2026, 4, 5), date(2026, 6, 19), date(2026, 9, 25)),
        (2027, date(2027, 2, 6), date(2027, 4, 5), date(2027, 6, 9), date(2027, 9, 15)),
        (2028, date(2028, 1, 26), date(2028, 4, 4), date(2028, 5, 28), date(2028, 10, 3)),
    ],
)
def test_lunar_festivals_and_qingming_for_several_years(year, spring, qingming, dragon_boat, mid_autumn):
    dates = festival_dates(year)
    assert dates["spring"] == spring
    assert dates["qingming"] == qingming
    assert dates["dragon_boat"] == dragon_boat
    assert dates["mid_autumn"] == mid_autumn
    assert dates["new_year"] == date(year, 1, 1)
    assert dates["labour"] == date(year, 5, 1)
    assert dates["national"] == date(year, 10, 1)


def test_the_seven_festivals_of_the_national_rule_in_calendar_order():
    dates = festival_dates(2026)
    assert list(dates) == ["new_year", "spring", "qingming", "labour", "dragon_boat", "mid_autumn", "national"]
    assert list(dates.values()) == sorted(dates.values())


def test_calendar_counts_the_days_away():
    rows = {r["code"]: r for r in festival_calendar(2026, today=date(2026, 9, 20))}
    assert rows["mid_autumn"]["days_away"] == 5
    assert rows["national"]["days_away"] == 11
    assert rows["spring"]["days_away"] < 0


def test_a_year_outside_the_lunar_tables_is_refused():
    with pytest.raises(ValueError):
        festival_dates(2200)


@pytest.mark.django_db
def test_welfare_page_shows_the_festivals_with_dates_and_days_away(client, member_a, policy, settings):
    client.force_login(member_a)
    page = client.get("/welfare/?year=2027").content.decode()
    assert "2027-02-06" in page and "2027-06-09" in page and "2027-09-15" in page
    assert client.get("/welfare/?year=abc").status_code == 200
