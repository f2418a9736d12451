"""Registering, the waitlist and its promotion, cancellation, on-behalf registration, the rules explained."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils import timezone

from activities import services
from activities.models import Registration
from notifications.models import Notification
from tests.factories import MemberFactory

from .conftest import member_with_login
from .factories import ActivityFactory

pytestmark = pytest.mark.django_db(transaction=False)


def register(user, activity, member_id=None):
    return services.registration_create(actor=user, activity_id=activity.pk, member_id=member_id)


def test_member_registers_in_one_click_and_sees_it(client, member_a, city_activity):
    client.force_login(member_a)
    page = client.get(f"/activities/{city_activity.pk}/").content.decode()
    assert "报名" in page
    response = client.post(f"/activities/{city_activity.pk}/register/", follow=True)
    assert "您已报名" in response.content.decode() or "You are registered" in response.content.decode()
    reg = Registration.objects.get(activity=city_activity, member=member_a.member)
    assert reg.status == "confirmed" and reg.waitlist_position is None


def test_full_activity_waitlists_in_arrival_order_and_cancellation_promotes_the_first(tree, city_activity):
    users = [member_with_login(tree["a"], f"u{i}") for i in range(5)]
    regs = [register(u, city_activity) for u in users]
    assert [r.status for r in regs] == ["confirmed", "confirmed", "waitlisted", "waitlisted", "waitlisted"]
    assert [r.waitlist_position for r in regs[2:]] == [1, 2, 3]
    with pytest.raises(Exception):  # noqa: B017 - the registration is not cancelled by someone else
        services.registration_cancel(actor=users[3], registration_id=regs[0].pk)
    with services.transaction.atomic():
        services.registration_cancel(actor=users[0], registration_id=regs[0].pk)
    for r in regs:
        r.refresh_from_db()
    assert regs[0].status == "cancelled"
    assert (regs[2].status, regs[2].waitlist_position) == ("confirmed", None)
    assert [(r.status, r.waitlist_position) for r in regs[3:]] == [("waitlisted", 1), ("waitlisted", 2)]


def test_cancelling_a_waitlisted_registration_closes_the_gap(tree, city_activity):
    users = [member_with_login(tree["a"], f"w{i}") for i in range(5)]
    regs = [register(u, city_activity) for u in users]
    services.registration_cancel(actor=users[2], registration_id=regs[2].pk)  # position 1 leaves
    positions = [Registration.objects.get(pk=r.pk).waitlist_position for r in regs[3:]]
    assert positions == [1, 2]


def test_promotion_writes_one_notification_with_the_promotion(tree, city_activity):
    users = [member_with_login(tree["a"], f"n{i}") for i in range(3)]
    regs = [register(u, city_activity) for u in users]
    services.registration_cancel(actor=users[0], registration_id=regs[0].pk)
    notes = Notification.objects.filter(recipient=users[2], kind="activity_promoted")
    assert notes.count() == 1
    assert f"/activities/{city_activity.pk}/" == notes.get().url


def test_raising_the_capacity_promotes_the_waitlist_at_once(tree, city_activity, city_admin):
    users = [member_with_login(tree["a"], f"c{i}") for i in range(5)]
    regs = [register(u, city_activity) for u in users]
    services.activity_update(actor=city_admin, activity_id=city_activity.pk, data={"capacity": 4})
    statuses = [Registration.objects.get(pk=r.pk).status for r in regs]
    assert statuses == ["confirmed"] * 4 + ["waitlisted"]
    assert Registration.objects.get(pk=regs[4].pk).waitlist_position == 1


def test_one_active_registration_per_member_is_a_database_constraint(member_a, city_activity):
    reg = register(member_a, city_activity)
    with pytest.raises(ValidationError, match="已报名本活动"):
        register(member_a, city_activity)
    with pytest.raises(IntegrityError), services.transaction.atomic():
        Registration.objects.create(activity=city_activity, member=reg.member, status="waitlisted", waitlist_position=9)
    services.registration_cancel(actor=member_a, registration_id=reg.pk)
    assert register(member_a, city_activity).status == "confirmed"  # after cancelling, registering again works


def test_window_and_openness_rules_are_explained_on_the_page(client, tree, member_a, officer_b, city_admin):
    later = ActivityFactory(organizer=tree["city"], registration_opens_at=timezone.now() + timedelta(days=2))
    closed = ActivityFactory(
        organizer=tree["city"],
        registration_opens_at=timezone.now() - timedelta(days=5),
        registration_closes_at=timezone.now() - timedelta(hours=1),
    )
    unit_b = ActivityFactory(organizer=tree["b"])
    zone2 = ActivityFactory(organizer=tree["zone2"])
    client.force_login(member_a)
    assert "报名开始时间" in client.get(f"/activities/{later.pk}/").content.decode()
    assert "报名已截止" in client.get(f"/activities/{closed.pk}/").content.decode()
    # Unit B's own activity and zone 2's are not even visible to a member of unit A.
    assert client.get(f"/activities/{unit_b.pk}/").status_code == 404
    assert client.get(f"/activities/{zone2.pk}/").status_code == 404
    with pytest.raises(ValidationError, match="报名已截止"):
        register(member_a, closed)
    # The service says the same as the page: unit A's activity is out of an officer of B's sight (404)...
    with pytest.raises(Http404):
        register(officer_b, ActivityFactory(organizer=tree["a"]))
    # ...and one that a person sees but is not open to (the city administrator, a member of unit A, sees
    # unit B's activity) is explained.
    with pytest.raises(ValidationError, match="仅面向"):
        register(city_admin, unit_b)


def test_member_cannot_cancel_after_the_deadline_but_the_officer_can(tree, member_a, officer_a):
    act = ActivityFactory(
        organizer=tree["a"],
        starts_at=timezone.now() + timedelta(days=2),
        cancellation_deadline=timezone.now() + timedelta(days=1),
    )
    reg = register(member_a, act)
    act.cancellation_deadline = timezone.now() - timedelta(minutes=1)
    act.save()
    with pytest.raises(ValidationError, match="已过取消报名截止时间"):
        services.registration_cancel(actor=member_a, registration_id=reg.pk)
    services.registration_cancel(actor=officer_a, registration_id=reg.pk)
    assert Registration.objects.get(pk=reg.pk).status == "cancelled"


def test_officer_registers_several_members_of_the_own_unit(client, tree, officer_a, members_abc):
    act = ActivityFactory(organizer=tree["city"], capacity=2)
    client.force_login(officer_a)
    ids = [m.pk for m in members_abc["a"]]
    response = client.post(f"/activities/{act.pk}/register-members/", {"members": ids}, follow=True)
    assert "3" in response.content.decode()
    regs = Registration.objects.filter(activity=act).order_by("pk")
    assert [r.status for r in regs] == ["confirmed", "confirmed", "waitlisted"]
    assert all(r.registered_by == officer_a for r in regs)
    # A member of another unit is not offered, and cannot be forced in.
    page = client.get(f"/activities/{act.pk}/register-members/").content.decode()
    assert members_abc["b"][0].name not in page or members_abc["b"][0].card_number not in page
    with pytest.raises(Http404):
        register(officer_a, act, member_id=members_abc["c"][0].pk)


def test_zone_lead_cannot_register_members_on_behalf(tree, zone_lead, members_abc):
    act = ActivityFactory(organizer=tree["city"])
    with pytest.raises(PermissionDenied):
        register(zone_lead, act, member_id=members_abc["a"][0].pk)


def test_retired_members_register_but_transferred_out_do_not(tree, city_activity):
    user = member_with_login(tree["a"], "gone")
    user.member.status = "transferred"
    user.member.save()
    with pytest.raises(ValidationError, match="在册会员"):
        register(user, city_activity)
    assert MemberFactory(unit=tree["a"], status="retained").is_current
