"""The session engine: Django's database sessions, forgiving a lost database when refreshing.

Every request saves its session (SESSION_SAVE_EVERY_REQUEST: the expiry counts from the last
request). If the database goes away after the view has committed its work, Django would turn the
failed refresh into "session deleted" (400) and the user would not see that the action succeeded;
here the refresh is skipped and logged, and the response goes out. A session that must be created
(a login) still fails, and a session really deleted by a concurrent logout still answers 400.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError

from .middleware import DATABASE_GONE

logger = logging.getLogger("nantong_union.failures")


class SessionStore(db.SessionStore):
    def save(self, must_create=False):
        try:
            return super().save(must_create=must_create)
        except UpdateError as exc:
            if not isinstance(exc.__context__, DATABASE_GONE):
                raise
            logger.warning("session %s not saved, the database is unavailable: %s", self.session_key, exc.__context__)
            return None
