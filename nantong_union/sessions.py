"""The session engine: Django's database sessions, forgiving a lost database when refreshing.

Every request saves its session (SESSION_SAVE_EVERY_REQUEST: the expiry counts from the last
request). If the database goes away after the view has committed its work, Django would turn the
failed refresh into "session deleted" (400) and the user would not see that the action succeeded;
here the refresh is skipped and logged, and the response goes out. A session that must be created
(a login) still fails, and a session really deleted by a concurrent logout still answers 400.

A session whose data did not change is written back only when its stored expiry is more than
``REFRESH_SLACK`` seconds behind what the refresh would set (issue #23): the expiry still counts from
the last request, within a minute, and the pages save three queries (BEGIN, UPDATE, COMMIT) on most
requests.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError

from .middleware import DATABASE_GONE

logger = logging.getLogger("nantong_union.failures")
#: How far (seconds) the stored expiry may lag behind the inactivity rule before a request refreshes it.
REFRESH_SLACK = 60


class SessionStore(db.SessionStore):
    _stored_expiry = None

    def _get_session_from_db(self):
        """Django's look-up (the session, unless it has expired), by SQL compiled once per process
        (nantong_union.identity)."""
        from django.utils import timezone

        from .identity import get_by_pk

        session = get_by_pk(self.model, self.session_key) if self.session_key else None
        if session is None or session.expire_date <= timezone.now():
            self._session_key = None
            session = None
        self._stored_expiry = session.expire_date if session is not None else None
        return session

    def _recently_refreshed(self) -> bool:
        if self._stored_expiry is None or self.session_key is None:
            return False
        return (self.get_expiry_date() - self._stored_expiry).total_seconds() < REFRESH_SLACK

    def save(self, must_create=False):
        if not must_create and not self.modified and self._recently_refreshed():
            return None  # nothing changed and the expiry is fresh: no write
        try:
            return super().save(must_create=must_create)
        except UpdateError as exc:
            if not isinstance(exc.__context__, DATABASE_GONE):
                raise
            logger.warning("session %s not saved, the database is unavailable: %s", self.session_key, exc.__context__)
            return None
