"""Issue 16: the real client address behind nginx, the login log, append-only records and their purge,
password rules, the idle timeout of privileged sessions, and the auditor who reads the records only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from members import security, services
from members.audit import record_access
from members.models import AccessRecord, LoginEvent, RetentionRun, Role
from members.passwords import CharacterClassesValidator
from members.retention import retention_run
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Test@pass-2026"


# --- The real client address -------------------------------------------------------------------------
@pytest.fixture
def behind_nginx(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.TRUSTED_PROXIES = ["127.0.0.1"]


def _through_proxy(client_address: str) -> Client:
    """A client whose requests reach gunicorn from nginx on 127.0.0.1, with nginx's X-Forwarded-For."""
    return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=client_address)


def test_lockouts_behind_the_proxy_hit_only_the_attacking_client(behind_nginx, member_a):
    attacker = _through_proxy("6.6.6.6, 203.0.113.9")  # a forged left part, then what nginx appended
    for _ in range(5):
        attacker.post("/accounts/login/", {"username": "member_a", "password": "wrong-guess"})
    locked = attacker.post("/accounts/login/", {"username": "member_a", "password": PASSWORD})
    assert locked.status_code == 429  # the attacker is locked out, even with the right password now
    real_user = _through_proxy("198.51.100.7")
    assert real_user.post("/accounts/login/", {"username": "member_a", "password": PASSWORD}).status_code == 302
    failed = LoginEvent.objects.filter(kind="failed", username="member_a")
    assert set(failed.values_list("ip_address", flat=True)) == {"203.0.113.9"}
    assert LoginEvent.objects.filter(kind="locked_out", ip_address="203.0.113.9").exists()
    assert LoginEvent.objects.get(kind="login", user=member_a).ip_address == "198.51.100.7"


def test_x_forwarded_for_from_anyone_but_the_proxy_is_ignored(behind_nginx, member_a):
    forger = Client(REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR="198.51.100.7")
    forger.post("/accounts/login/", {"username": "member_a", "password": "wrong"})
    assert LoginEvent.objects.get(kind="failed").ip_address == "192.0.2.50"


def test_the_access_record_keeps_the_real_address(behind_nginx, city_admin, member_a):
    c = _through_proxy("203.0.113.20")
    c.force_login(city_admin)
    c.post(f"/members/{member_a.member.pk}/id-number/")
    assert AccessRecord.objects.get(action="reveal_id").ip_address == "203.0.113.20"


# --- The login log ------------------------------------------------------------------------------------
def test_logins_failures_logouts_and_password_changes_are_logged(member_a):
    c = Client(REMOTE_ADDR="10.0.0.5")
    c.post("/accounts/login/", {"username": "member_a", "password": "nope"})
    c.post("/accounts/login/", {"username": "nobody", "password": "nope"})
    c.post("/accounts/login/", {"username": "member_a", "password": PASSWORD})
    new = "Another#Pass9"
    c.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    c.post("/accounts/logout/")
    kinds = list(LoginEvent.objects.order_by("pk").values_list("kind", "username", "ip_address"))
    assert kinds == [
        ("failed", "member_a", "10.0.0.5"),
        ("failed", "nobody", "10.0.0.5"),
        ("login", "member_a", "10.0.0.5"),
        ("password_change", "member_a", "10.0.0.5"),
        ("logout", "member_a", "10.0.0.5"),
    ]


# --- Append-only, and the purge as a named, recorded job ----------------------------------------------------
def test_no_one_changes_or_deletes_a_record_through_the_orm(officer_a):
    record = record_access(actor=officer_a, action="export", what="会员名单", rows=3)
    event = security.login_event(kind="login", user=officer_a)
    for obj, qs in ((record, AccessRecord.objects.all()), (event, LoginEvent.objects.all())):
        with pytest.raises(PermissionError):
            qs.update(at=timezone.now())
        with pytest.raises(PermissionError):
            qs.delete()
        with pytest.raises(PermissionError):
            obj.delete()
        with pytest.raises(PermissionError):
            obj.save()


def test_postgresql_refuses_update_and_delete_whatever_the_code(require_postgres, officer_a):
    from django.db.utils import DatabaseError

    record_access(actor=officer_a, action="export", what="会员名单", rows=3)
    security.login_event(kind="login", user=officer_a)
    for table in ("members_accessrecord", "members_loginevent"):
        for sql in (f"UPDATE {table} SET ip_address = '1.1.1.1'", f"DELETE FROM {table}"):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
                cur.execute(sql)


def _purge(today=None):
    """The one retention job (members.retention): the report first, then the real run."""
    retention_run(dry_run=True, today=today)
    return retention_run(dry_run=False, today=today)


def test_the_retention_job_deletes_only_what_is_older_and_records_itself(officer_a, settings):
    settings.LOGIN_LOG_RETENTION_DAYS = 183
    settings.ACCESS_RECORD_RETENTION_DAYS = 1095
    now = timezone.now()
    with freeze_time(now - timedelta(days=200)):
        old_event = security.login_event(kind="login", user=officer_a)
        kept_record = record_access(actor=officer_a, action="export", what="会员名单", rows=1)
    with freeze_time(now - timedelta(days=1200)):
        old_record = record_access(actor=officer_a, action="export", what="会员名单", rows=1)
    new_event = security.login_event(kind="logout", user=officer_a)
    run = _purge()
    assert (run.report["records-login"]["count"], run.report["records-access"]["count"]) == (1, 1)
    assert set(run.cutoffs) == {"members_accessrecord", "members_loginevent"} and run.finished_at
    assert (
        not LoginEvent.objects.filter(pk=old_event.pk).exists() and LoginEvent.objects.filter(pk=new_event.pk).exists()
    )
    assert not AccessRecord.objects.filter(pk=old_record.pk).exists()
    assert AccessRecord.objects.filter(pk=kept_record.pk).exists()
    assert RetentionRun.objects.filter(dry_run=False, finished_at__isnull=False).count() == 1
    purges = AccessRecord.objects.filter(action="purge")
    assert purges.count() == 2 and all(p.actor_id is None for p in purges)
    assert {p.what for p in purges} == {"访问记录到期清理", "登录日志到期清理"}


def test_a_dry_run_deletes_nothing(officer_a, settings):
    settings.LOGIN_LOG_RETENTION_DAYS = 183
    with freeze_time(timezone.now() - timedelta(days=400)):
        old_event = security.login_event(kind="login", user=officer_a)
    run = retention_run(dry_run=True)
    assert run.report["records-login"]["count"] == 1
    assert LoginEvent.objects.filter(pk=old_event.pk).exists()


def test_postgresql_lets_only_a_real_running_job_delete_and_only_before_its_cutoff(require_postgres, officer_a):
    """The trigger's one exception: a real retention run of this transaction, unfinished, and rows older than
    its cutoff. A forged run row (finished, or a dry run) or a row after the cutoff stays refused."""
    from django.db.utils import DatabaseError

    with freeze_time(timezone.now() - timedelta(days=30)):
        security.login_event(kind="login", user=officer_a)
    cutoff = (timezone.now() - timedelta(days=10)).isoformat()
    attempts = [
        {"dry_run": True, "finished_at": None},
        {"dry_run": False, "finished_at": timezone.now()},
        {"dry_run": False, "finished_at": None, "cutoffs": {"members_accessrecord": cutoff}},  # another record's
    ]
    for fields in attempts:
        fields.setdefault("cutoffs", {"members_loginevent": cutoff})
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            RetentionRun.objects.create(**fields)
            with connection.cursor() as cur:
                cur.execute("DELETE FROM members_loginevent")
    with transaction.atomic():  # the real job's shape: deletes the old row, and only it
        RetentionRun.objects.create(dry_run=False, cutoffs={"members_loginevent": cutoff})
        with connection.cursor() as cur:
            cur.execute("DELETE FROM members_loginevent WHERE at < %s", [cutoff])
            assert cur.rowcount == 1
    security.login_event(kind="logout", user=officer_a)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        RetentionRun.objects.create(dry_run=False, cutoffs={"members_loginevent": cutoff})
        with connection.cursor() as cur:
            cur.execute("DELETE FROM members_loginevent")  # today's line is after the cutoff


def test_the_retention_of_the_login_log_cannot_be_set_below_six_months():
    import os
    import subprocess
    import sys

    code = "import django;django.setup();from django.conf import settings as s;print(s.LOGIN_LOG_RETENTION_DAYS)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "nantong_union.settings", "LOGIN_LOG_RETENTION_DAYS": "30"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "183", out.stderr[-300:]


# --- Passwords ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("password", "ok"),
    [("abcdefgh", False), ("abcdefg1", False), ("Abcdefg1", True), ("abcdef1!", True), ("ABCDEF1!", True)],
)
def test_three_of_four_character_classes(password, ok):
    if ok:
        CharacterClassesValidator(3).validate(password)
    else:
        with pytest.raises(ValidationError):
            CharacterClassesValidator(3).validate(password)


@given(st.text(min_size=0, max_size=30))
@hsettings(max_examples=200, deadline=None)
def test_the_class_validator_never_crashes_and_agrees_with_its_rule(password):
    classes = sum(
        (
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    try:
        CharacterClassesValidator(3).validate(password)
    except ValidationError:
        assert classes < 3
    else:
        assert classes >= 3


def test_none_of_the_last_five_passwords(tree):
    user = UserFactory(username="history")
    MemberFactory(unit=tree["a"], user=user)
    user.set_password("First#Pass1")
    user.save()
    chosen = ["Second#Pass2", "Third#Pass3", "Fourth#Pass4", "Fifth#Pass5"]
    for pw in chosen:
        validate_password(pw, user)
        user.set_password(pw)
        user.save()
    for earlier in ["First#Pass1", *chosen]:
        with pytest.raises(ValidationError):
            validate_password(earlier, user)
    validate_password("Brand#New6", user)
    user.set_password("Brand#New6")
    user.save()
    validate_password("First#Pass1", user)  # six passwords ago: allowed again


def test_an_expired_password_must_be_changed(member_a, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    c = Client()
    c.force_login(member_a)
    assert c.get("/voice/").status_code == 200
    type(member_a).objects.filter(pk=member_a.pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    assert c.get("/voice/")["Location"] == "/members/password/"


# --- Sessions -------------------------------------------------------------------------------------------
def test_city_admins_and_auditors_get_the_short_idle_timeout(city_admin, officer_a, settings):
    settings.PRIVILEGED_IDLE_TIMEOUT = 1800
    for user, age in ((city_admin, 1800), (officer_a, settings.SESSION_COOKIE_AGE)):
        c = Client()
        c.force_login(user)
        c.get("/")
        assert c.session.get_expiry_age() == age


# --- The auditor (三员分立) ------------------------------------------------------------------------------
@pytest.fixture
def auditor(tree):
    user = UserFactory(username="auditor")
    services.role_assign(user=user, organization=tree["city"], role=Role.AUDITOR)
    return user


def test_the_auditor_reads_the_records_and_nothing_else(auditor, member_a, officer_a, tree):
    record_access(actor=officer_a, action="export", what="会员名单", rows=3, unit=tree["a"])
    services.transfer_start(
        actor=officer_a, member=member_a.member, to_unit=tree["b"], on=timezone.localdate(), reason=""
    )
    c = Client()
    c.force_login(auditor)
    for url in ("/members/access-records/", "/members/login-log/", "/members/history/"):
        assert c.get(url).status_code == 200, url
    assert "会员名单" in c.get("/members/access-records/").content.decode()
    assert member_a.member.name in c.get("/members/history/").content.decode()
    for url, code in (
        ("/members/", 403),
        (f"/members/{member_a.member.pk}/", 404),
        ("/members/export/", 403),
        ("/members/transfers/", 403),
        ("/voice/inbox/", 403),
        ("/assistance/", 403),
        ("/admin/", 302),
    ):
        assert c.get(url).status_code == code, url


def test_the_auditors_role_is_held_alone(auditor, tree):
    with pytest.raises(ValidationError):
        services.role_assign(user=auditor, organization=tree["a"], role=Role.UNIT_OFFICER)
    officer = UserFactory(username="some_officer")
    services.role_assign(user=officer, organization=tree["a"], role=Role.UNIT_OFFICER)
    with pytest.raises(ValidationError):
        services.role_assign(user=officer, organization=tree["city"], role=Role.AUDITOR)


def test_officers_and_members_cannot_read_the_login_log(officer_a, member_a):
    for user in (officer_a, member_a):
        c = Client()
        c.force_login(user)
        assert c.get("/members/login-log/").status_code == 403
        assert c.get("/members/history/").status_code == 403
