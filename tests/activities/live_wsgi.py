"""The WSGI app the concurrency tests serve with gunicorn (test use only, never deployed).

With
ACTIVITIES_TEST_REMOVE_LOCK=1 the capacity row lock is taken out: the control run, which must oversell.
"""

import os

from nantong_union.celery import app as celery_app  # noqa: E402
from nantong_union.wsgi import application  # noqa: F401  (sets Django up)

celery_app.conf.task_always_eager = True

if os.environ.get("ACTIVITIES_TEST_REMOVE_LOCK") == "1":
    from activities import selectors, services

    # The same read, without ``lock=True``.
    services._lock_activity = lambda actor, pk, *, manage=False: selectors.activity_get(
        actor=actor, pk=pk, manage=manage
    )
