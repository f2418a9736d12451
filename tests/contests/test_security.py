"""The rules that protect people in a works contest, each tried by someone within their own rights.

- blind judging: a judge's pages never show the entrant's name or unit, and the work's file carries no
  camera owner (EXIF) — until the results are published, the judge learns nothing but the code;
- a judge reads only the own sheets; an outside expert sees the judging pages and nothing else of the portal;
- an entrant changes only the own entry; results are not shown to the audience before publication.
"""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse

from contests import services
from contests.models import Entry
from tests.security.matrix import portal_patterns

from .factories import RUBRIC, ContestFactory, entrant, photo_upload, submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def judged(tree, city_admin):
    """A city contest being judged: 张三丰 of unit B submitted a photo whose EXIF names him; two judges."""
    contest = ContestFactory(organizer=tree["city"])
    services.criteria_set(actor=city_admin, contest=contest, rows=RUBRIC)
    author = entrant(tree["b"], name="张三丰")
    entry = submit(author, contest, title="濠河晨光", upload=photo_upload(exif_artist="Zhang Sanfeng"))
    other = submit(entrant(tree["c"], name="李四光"), contest, title="狼山")
    expert, login = services.expert_add(actor=city_admin, contest=contest, name="外聘专家")
    member_judge = services.judge_add_member(actor=city_admin, contest=contest, member=entrant(tree["a"]).member)
    services.judging_start(actor=city_admin, contest=contest)
    expert.user.must_change_password = False
    expert.user.save()
    return {
        "contest": contest,
        "entry": entry,
        "other": other,
        "expert": expert,
        "member_judge": member_judge,
        "author": author,
    }


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_judge_sees_the_code_never_the_name_or_unit(judged):
    expert = judged["expert"]
    sheet = expert.assignments.get(entry=judged["entry"])
    c = _client(expert.user)
    for url in (reverse("contests:judging"), reverse("contests:sheet", args=[sheet.pk])):
        page = c.get(url).content.decode()
        assert judged["entry"].code in page and "濠河晨光" in page  # positive control: the work is there
        assert "张三丰" not in page and "市商务局" not in page and "李四光" not in page
    work = b"".join(c.get(reverse("contests:sheet_file", args=[sheet.pk])).streaming_content)
    assert b"Zhang Sanfeng" not in work and b"Canon" not in work
    from PIL import Image

    assert not Image.open(io.BytesIO(work)).getexif()  # no EXIF left at all


def test_the_uploaded_file_itself_is_stripped_on_disk(judged):
    entry = Entry.objects.get(pk=judged["entry"].pk)
    data = entry.file.read()
    assert b"Zhang Sanfeng" not in data and b"Exif" not in data
    assert "photo" not in entry.file.name  # the uploader's file name is not kept either


def test_a_judge_cannot_open_another_judges_sheet_or_an_entry_by_its_number(judged):
    expert, member_judge = judged["expert"], judged["member_judge"]
    theirs = member_judge.assignments.first()
    c = _client(expert.user)
    assert c.get(reverse("contests:sheet", args=[theirs.pk])).status_code == 404
    assert c.post(reverse("contests:sheet", args=[theirs.pk]), {}).status_code == 404
    assert c.get(reverse("contests:sheet_file", args=[theirs.pk])).status_code == 404
    assert c.get(reverse("contests:entry_file", args=[judged["entry"].pk])).status_code == 404
    assert c.get(reverse("contests:entry_detail", args=[judged["entry"].pk])).status_code == 404
    assert c.get(reverse("contests:results", args=[judged["contest"].pk])).status_code == 404
    # the member judge, a member of unit A, reads the contest but not the results before publication
    m = _client(member_judge.user)
    assert m.get(reverse("contests:detail", args=[judged["contest"].pk])).status_code == 200
    assert m.get(reverse("contests:results", args=[judged["contest"].pk])).status_code == 403


def test_the_member_judge_is_not_given_the_entry_of_the_own_unit(tree, city_admin):
    contest = ContestFactory(organizer=tree["city"])
    services.criteria_set(actor=city_admin, contest=contest, rows=RUBRIC)
    mine = submit(entrant(tree["a"]), contest)
    theirs = submit(entrant(tree["b"]), contest)
    judge = services.judge_add_member(actor=city_admin, contest=contest, member=entrant(tree["a"]).member)
    services.judging_start(actor=city_admin, contest=contest)
    assert set(judge.assignments.values_list("entry_id", flat=True)) == {theirs.pk}
    assert mine.pk not in set(judge.assignments.values_list("entry_id", flat=True))


def test_an_outside_expert_sees_nothing_else_of_the_portal(judged, member_a):
    """Every named, parameterless page of the portal answers the expert 404 (or sends him to his sheets)."""
    c = _client(judged["expert"].user)
    allowed = {
        "contests:judging",
        "logout",
        "password_change",
        "password_change_done",
        "members:first_password",
        "set_language",
        "notifications:list",
        "notifications:preferences",
        "healthz",
        "liveness",
        "login",
    }
    seen_200 = []
    for name, route in sorted(portal_patterns().items()):
        if "<" in route or name.startswith("admin:") or "(?P" in route or name in allowed:
            continue
        answer = c.get("/" + route.lstrip("^").rstrip("$"))
        if answer.status_code == 200:
            seen_200.append(name)
    assert not seen_200, f"the expert sees: {seen_200}"
    assert c.get("/").status_code == 302 and c.get("/")["Location"] == reverse("contests:judging")
    assert c.get(reverse("members:detail", args=[member_a.member.pk])).status_code == 404
    assert c.get(reverse("contests:judging")).status_code == 200  # positive control


def test_a_member_cannot_change_or_see_another_members_entry(judged, tree):
    intruder = entrant(tree["b"])  # same unit as the author, plain member
    c = _client(intruder)
    entry = judged["entry"]
    assert c.get(reverse("contests:entry_detail", args=[entry.pk])).status_code == 404
    assert c.post(reverse("contests:entry_withdraw", args=[entry.pk])).status_code == 404
    assert c.get(reverse("contests:entry_file", args=[entry.pk])).status_code == 404
    assert Entry.objects.filter(pk=entry.pk).exists()
    own = _client(judged["author"])
    assert own.get(reverse("contests:entry_detail", args=[entry.pk])).status_code == 200  # positive control
