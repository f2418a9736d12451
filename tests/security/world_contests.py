"""URL-matrix objects of the works contests: a contest of unit A being judged (member_a's entry, an outside
expert's score sheet) and a final one of unit A (member_a's first prize and its certificate)."""

from __future__ import annotations

from datetime import timedelta

from contests import services
from tests.contests.factories import RUBRIC, ContestFactory, photo_upload, score_all, submit


def build(ids, *, tree, member_a, officer_a, officer_b, city_admin) -> None:
    a = tree["a"]
    contest = ContestFactory(organizer=a, allow_image=True)
    services.criteria_set(actor=officer_a, contest=contest, rows=RUBRIC)
    entry = submit(member_a, contest, upload=photo_upload())
    judge, _login = services.expert_add(actor=officer_a, contest=contest, name="外聘专家")
    services.judging_start(actor=officer_a, contest=contest)

    final = ContestFactory(organizer=a)
    services.criteria_set(actor=officer_a, contest=final, rows=RUBRIC)
    won = submit(member_a, final, title="获奖作品")
    judge2, _login = services.expert_add(actor=officer_a, contest=final, name="另一专家")
    services.judging_start(actor=officer_a, contest=final)
    score_all(judge2)
    services.judging_close(actor=officer_a, contest=final)
    services.results_publish(actor=officer_a, contest=final)
    final.refresh_from_db()
    services.results_finalise(actor=officer_a, contest=final, now=final.notice_ends_at + timedelta(seconds=1))
    ids.update(
        contest=contest.pk,
        contest_final=final.pk,
        judge=judge.pk,
        entry=entry.pk,
        sheet=judge.assignments.get().pk,
        result=won.result.pk,
    )
    ids["stored_files"] = [*ids.get("stored_files", []), entry.file.name]
