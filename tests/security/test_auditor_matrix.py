"""The security auditor's column of the URL matrix (issue 16, 三员分立): over every URL of the portal the auditor
gets no more than a plain member does — and, beyond that, only the three records (access record and its export,
login log, membership history). The auditor here holds the role alone and has no member record of their own.

Rule per URL, GET and POST: where a plain member is refused (403/404/405, the login page), the auditor is refused
too; where a member is let in, the auditor may be let in or refused (pages about the member's own objects are
404 for anyone else); the records are 200. Never a 500.
"""

from __future__ import annotations

import copy

import pytest

from members import services
from members.models import Role
from tests.factories import UserFactory

from .matrix import ANY, DONE, GET_ONLY, LOGIN, REDIRECT, build_url, classify
from .test_url_matrix import TABLE

pytestmark = pytest.mark.django_db

#: The auditor's pages: the records, and nothing else.
AUDITOR_PAGES = {
    "members:access_records",
    "members:access_records_export",
    "members:login_log",
    "members:membership_history",
    "members:id_reveal_log",  # the old address: a redirect to the access record
    "assistance:access_log",  # the old address: a redirect to the access record
}
LET_IN = {200, REDIRECT, DONE, ANY}


def _lets_in(expected) -> bool:
    if isinstance(expected, (set, frozenset)):
        return bool(set(expected) & LET_IN)
    return expected in LET_IN


def test_the_auditor_gets_no_more_than_a_member_and_the_records(world, tree, client):
    auditor = UserFactory(username="auditor")
    services.role_assign(user=auditor, organization=tree["city"], role=Role.AUDITOR)
    client.force_login(auditor)
    from django.db import transaction

    problems = []
    for name, row in sorted(TABLE.items()):
        url = build_url(name, row, world)
        for method, expected in (("get", row.get), ("post", row.post)):
            if method == "post" and expected is GET_ONLY:
                continue
            member_expected = expected[1]
            cookies = copy.deepcopy(client.cookies)  # a logout must not carry over
            with transaction.atomic():
                response = getattr(client, method)(url, {"garbage": "x"} if method == "post" else None)
                transaction.set_rollback(True)
            client.cookies = cookies
            got = classify(response)
            if got == 500:
                problems.append(f"{method.upper()} {url} [{name}]: 500")
            elif name.split("#")[0] in AUDITOR_PAGES:
                if got not in (200, REDIRECT):
                    problems.append(f"{method.upper()} {url} [{name}]: the auditor's record page answered {got}")
            elif not _lets_in(member_expected) and got in (200, REDIRECT) and got != LOGIN:
                problems.append(
                    f"{method.upper()} {url} [{name}]: a member gets {member_expected}, the auditor got {got}"
                )
    assert not problems, "\n".join(problems)
