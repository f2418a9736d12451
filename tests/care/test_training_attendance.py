"""Training hours from attendance (issue #22): a member checked in at a training class has had its hours, without an
officer typing them; undone, they no longer count; typed and attended never count the same class twice."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from activities import services as activity_services
from activities.models import ActivityKind, EntryStatus, Registration
from activities.training import attended_trainings
from care import selectors, services
from care.models import TrainingKind, TrainingRecord
from members.models import Member
from members.scoping import scope_enforced
from tests.activities.factories import ActivityFactory


def _today_at(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(timezone.localdate(), time(hour, minute), tzinfo=timezone.get_current_timezone())


def training_class(organizer, *, title="工会业务知识讲座", hours=None, officers=False, **kwargs):
    """A training class today, 08:30-11:00 (2.5 hours when no hours are given)."""
    starts = kwargs.pop("starts_at", _today_at(8, 30))
    return ActivityFactory(
        organizer=organizer,
        kind=ActivityKind.TRAINING,
        title=title,
        starts_at=starts,
        ends_at=kwargs.pop("ends_at", starts + timedelta(hours=2, minutes=30)),
        registration_opens_at=starts - timedelta(days=10),
        registration_closes_at=starts - timedelta(days=1),
        cancellation_deadline=starts - timedelta(days=2),
        training_hours=hours,
        is_officer_training=officers,
        **kwargs,
    )


def attend(activity, person, *, attended=True) -> Registration:
    """A confirmed place of a login's member (or of a member), checked in unless ``attended=False``."""
    return Registration.objects.create(
        activity=activity,
        member=person if isinstance(person, Member) else person.member,
        status=EntryStatus.CONFIRMED,
        attended_at=timezone.now() if attended else None,
    )


def _hours(user) -> Decimal:
    return selectors.training_hours(selectors.my_training(actor=user, year=timezone.localdate().year))


def test_a_check_in_at_a_training_class_counts_its_hours_and_an_undone_one_does_not(
    tree, member_a, officer_a, client_for
):
    activity = training_class(tree["a"])
    registration = attend(activity, member_a, attended=False)
    services.training_record_add(
        actor=officer_a,
        member_id=member_a.member.pk,
        title="心理健康公开课",
        on=timezone.localdate(),
        hours=Decimal("1"),
    )
    assert _hours(member_a) == Decimal("1")  # registered, not checked in: nothing yet

    activity_services.checkin_by_qr(actor=member_a, activity_id=activity.pk, token=activity.checkin_token)
    page = client_for(member_a).get(reverse("care:mine")).content.decode()
    assert "工会业务知识讲座" in page and 'data-testid="from-attendance"' in page
    assert _hours(member_a) == Decimal("3.5")  # 08:30-11:00 on one day: 2.5 hours, with the typed 1

    # the organiser unticks the member: the hours go with the check-in
    activity_services.attendance_set_for(
        actor=officer_a, activity_id=activity.pk, shown_ids={registration.pk}, attended_ids=set()
    )
    assert _hours(member_a) == Decimal("1")
    assert not TrainingRecord.objects.filter(title="工会业务知识讲座").exists()  # nothing was typed for it


def test_hours_given_on_the_class_win_and_other_kinds_or_cancelled_places_count_nothing(tree, member_a):
    attend(
        training_class(tree["a"], title="两天的培训班", hours=Decimal("12"), ends_at=_today_at(9) + timedelta(days=1)),
        member_a,
    )
    attend(ActivityFactory(organizer=tree["a"], kind=ActivityKind.READING, starts_at=_today_at(9)), member_a)
    cancelled = attend(training_class(tree["a"], title="取消的培训"), member_a)
    cancelled.status = EntryStatus.CANCELLED
    cancelled.save()
    rows = selectors.my_training(actor=member_a, year=timezone.localdate().year)
    assert [(r.title, r.hours, r.source) for r in rows] == [("两天的培训班", Decimal("12"), "attendance")]


def test_a_class_of_last_year_counts_in_last_year(tree, member_a):
    last_year = timezone.localdate().year - 1
    starts = datetime(last_year, 11, 3, 14, 0, tzinfo=timezone.get_current_timezone())
    attend(training_class(tree["a"], starts_at=starts, ends_at=starts + timedelta(hours=3)), member_a)
    assert _hours(member_a) == 0
    assert selectors.training_hours(selectors.my_training(actor=member_a, year=last_year)) == Decimal("3")


def test_typed_activity_records_are_refused_and_old_ones_do_not_count_twice(tree, member_a, officer_a):
    with pytest.raises(ValidationError) as err:
        services.training_record_add(
            actor=officer_a,
            member_id=member_a.member.pk,
            title="工会业务知识讲座",
            on=timezone.localdate(),
            hours=Decimal("2.5"),
            kind=TrainingKind.ACTIVITY,
        )
    assert err.value.message_dict["kind"] == ["培训活动的学时按签到自动计入，此处只登记外部课程。"]
    # a record typed before check-ins counted, for the class the member also attended that day
    TrainingRecord.objects.create(
        member=member_a.member, title="工会业务讲座", kind=TrainingKind.ACTIVITY, on=timezone.localdate(), hours=3
    )
    assert _hours(member_a) == Decimal("3")
    attend(training_class(tree["a"]), member_a)
    rows = selectors.my_training(actor=member_a, year=timezone.localdate().year)
    assert [(r.source, r.hours) for r in rows] == [("attendance", Decimal("2.5"))]


def test_the_officers_list_shows_both_sources_marked(tree, member_a, officer_a, client_for):
    attend(training_class(tree["a"]), member_a)
    services.training_record_add(
        actor=officer_a, member_id=officer_a.member.pk, title="外部课程", on=timezone.localdate(), hours=Decimal("4")
    )
    page = client_for(officer_a).get(reverse("care:training")).content.decode()
    assert page.count('data-testid="training-row"') == 2
    assert page.count('data-testid="from-attendance"') == 1
    assert "工会业务知识讲座" in page and "外部课程" in page
    assert "签到计入" in page and "手工登记" in page  # in Chinese
    searched = client_for(officer_a).get(reverse("care:training"), {"q": member_a.member.name}).content.decode()
    assert searched.count('data-testid="training-row"') == 1 and "工会业务知识讲座" in searched


def test_attending_the_officers_training_takes_an_officer_off_the_report(tree, officer_a, city_admin, client_for):
    url = reverse("care:officers_untrained")
    attend(training_class(tree["city"], title="普通培训"), officer_a)
    assert officer_a.member.name in client_for(city_admin).get(url).content.decode()
    attend(training_class(tree["city"], title="市级机关工会干部培训班", officers=True), officer_a)
    assert officer_a.member.name not in client_for(city_admin).get(url).content.decode()


def test_an_officer_of_another_unit_does_not_see_a_members_attended_training(
    tree, member_a, officer_a, officer_b, zone_lead, client_for
):
    """Attack: officer B (unit B) lists training records, and reads the source directly, for unit A's member who
    attended a city-wide class."""
    activity = training_class(tree["city"], title="全市工会干部培训")
    attend(activity, member_a)
    today = timezone.localdate()
    with scope_enforced():
        assert not attended_trainings(actor=officer_b, start=today, end=today).exists()
        assert not list(selectors.training_list(actor=officer_b, year=today.year))
        assert [r["t_member"] for r in attended_trainings(actor=officer_a, start=today, end=today)] == [
            member_a.member.pk
        ]
        assert len(list(selectors.training_list(actor=zone_lead, year=today.year))) == 1  # the zone reads unit A
    assert "全市工会干部培训" not in client_for(officer_b).get(reverse("care:training")).content.decode()
    assert "全市工会干部培训" in client_for(officer_a).get(reverse("care:training")).content.decode()


def test_a_member_sees_only_the_own_attended_trainings(tree, member_a, officer_a, client_for):
    """Attack: officer A is also a member: the own page lists only the own trainings, not the unit's."""
    activity = training_class(tree["a"])
    attend(activity, member_a)
    with scope_enforced():
        assert selectors.my_training(actor=officer_a, year=timezone.localdate().year) == []
    assert "工会业务知识讲座" not in client_for(officer_a).get(reverse("care:mine")).content.decode()


def test_a_private_training_registration_stays_private(tree, member_a, officer_a):
    activity = training_class(tree["city"], registrations_private=True)
    attend(activity, member_a)
    today = timezone.localdate()
    with scope_enforced():
        assert not list(selectors.training_list(actor=officer_a, year=today.year))
        assert _hours(member_a) == Decimal("2.5")


def test_the_demo_members_page_shows_hours_from_a_training_class_checked_in(client_for):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("seed_demo", members=60, password="Demo@pass-2026")
    user = get_user_model().objects.get(username="member")
    page = client_for(user).get(reverse("care:mine")).content.decode()
    assert "机关工会业务知识讲座" in page and 'data-testid="from-attendance"' in page
    assert _hours(user) == Decimal("5")  # the class's 3 hours (09:00-12:00) and the typed external course's 2
    officer = get_user_model().objects.get(username="officer")
    untrained = selectors.officers_without_training(actor=officer, year=timezone.localdate().year)
    assert officer.member.pk not in set(untrained.values_list("pk", flat=True))


@pytest.mark.parametrize("at", ["2026-12-01T01:24:00Z", "2026-12-01T15:30:00Z", "2026-11-30T16:10:00Z"])
def test_the_hours_are_the_same_whatever_the_time_of_day_the_classes_are_set_up(at, tree, member_a):
    """09:24, 23:30 and 00:10 in Shanghai: a class that started this morning and a reading session at 09:00 today
    (a CI run at 09:24 once found the reading session's registration window ending before it opened)."""
    from freezegun import freeze_time

    with freeze_time(at):
        test_hours_given_on_the_class_win_and_other_kinds_or_cancelled_places_count_nothing(tree, member_a)
