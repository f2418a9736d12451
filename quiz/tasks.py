"""Thin Celery task: score the attempts whose time ran out (the server keeps the time)."""

from __future__ import annotations

from celery import shared_task

from .services import attempts_expire


@shared_task
def attempts_expire_task() -> int:
    return attempts_expire()
