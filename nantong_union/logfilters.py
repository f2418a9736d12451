"""Logging filters of the project."""

from __future__ import annotations

import logging


class RefusalsWithoutTraceback(logging.Filter):
    """A 403 (someone tried what their account may not do) is one line in the log, not a traceback:
    it is an answer the portal gave on purpose, not an error. Other records pass unchanged."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
