"""The navbar is kept per login, scope generation, language, section and page ({% kept_with_scope %} in base.html,
issue #23); what changes from request to request is rendered on every request ({% per_request %}): the CSRF token
of the logout and language forms, the page's own address, the unread count. These tests fail when any of those is
kept with the fragment, or when a change of role, name or expert status is not seen on the very next page."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from members.models import Organization, Role, RoleAssignment
from notifications.services import notification_send

pytestmark = pytest.mark.django_db


def _nav(html: str) -> str:
    return html[html.index('<nav class="navbar') : html.index("</nav>")]


def _nav_labels(html: str) -> list[str]:
    return re.findall(r'<a class="nav-link[^"]*" href="[^"]*">([^<]+)</a>', _nav(html))


def _logout_token(html: str) -> str:
    form = re.search(r'<form method="post" action="/accounts/logout/">(.*?)</form>', _nav(html), re.S)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(1)).group(1)


def test_each_session_gets_its_own_working_csrf_token_in_the_kept_navbar(officer_a):
    """The same login in two browsers: the navbar kept from the first must not carry the first session's token to
    the second, whose logout would then be refused (403)."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(officer_a)
    second.force_login(officer_a)
    first.get("/members/")
    first_token = _logout_token(first.get("/members/").content.decode())
    html = second.get("/members/").content.decode()
    token = _logout_token(html)
    assert token != first_token
    response = second.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert first.get("/members/").status_code == 200  # the other browser is still logged in


def test_the_language_form_returns_to_the_page_it_is_on(client, officer_a):
    client.force_login(officer_a)
    client.get("/members/?q=first")
    html = client.get("/members/?q=second").content.decode()
    assert re.findall(r'name="next" value="([^"]*)"', html) == ["/members/?q=second"]


def test_the_unread_count_is_fresh_on_every_page(client, officer_a):
    client.force_login(officer_a)
    assert 'data-testid="unread-count"' not in client.get("/members/").content.decode()
    notification_send(recipient_id=officer_a.pk, kind="info", key="kept-navbar-1", title="新通知")
    html = client.get("/members/").content.decode()
    assert re.search(r'data-testid="unread-count">1<', html)


def test_the_active_section_follows_the_page(client, officer_a):
    client.force_login(officer_a)
    members = _nav(client.get("/members/").content.decode())
    activities = _nav(client.get("/activities/").content.decode())
    assert re.search(r'nav-link active" href="/members/"', members)
    assert not re.search(r'nav-link active" href="/members/"', activities)
    assert re.search(r'nav-link active" href="/activities/', activities)


def test_a_role_given_shows_its_sections_on_the_next_page(client, member_a, tree):
    client.force_login(member_a)
    assert "会员" not in _nav_labels(client.get("/").content.decode())
    RoleAssignment.objects.create(user=member_a, organization=tree["a"], role=Role.UNIT_OFFICER)
    assert "会员" in _nav_labels(client.get("/").content.decode())


def test_a_changed_name_is_shown_on_the_next_page(client, officer_a):
    client.force_login(officer_a)
    client.get("/members/")
    officer_a.first_name, officer_a.last_name = "新名", ""
    officer_a.save()
    assert "新名" in _nav(client.get("/members/").content.decode())


def test_a_login_made_an_outside_expert_keeps_only_the_score_sheets(client, tree):
    from contests.models import Expert

    user = get_user_model().objects.create_user(username="later_expert", password="x")  # noqa: S106
    client.force_login(user)
    before = _nav_labels(client.get("/notifications/").content.decode())
    assert "活动" in before
    Expert.objects.create(user=user, organization=Organization.objects.get(pk=tree["city"].pk), name="专家")
    after = _nav_labels(client.get("/notifications/").content.decode())
    assert "活动" not in after and "评分表" in after


def test_a_name_with_the_mark_character_still_renders(client, officer_a):
    officer_a.first_name = "甲\x1e1\x1e乙"
    officer_a.save()
    client.force_login(officer_a)
    for _ in range(2):
        html = client.get("/members/").content.decode()
        assert "甲\x1e1\x1e乙" in _nav(html) and _logout_token(html)
