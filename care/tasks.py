from celery import shared_task

from .services import application_tell


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=6)
def application_tell_task(self, *, application_id: int) -> bool:
    """E-mail an applicant the unit's decision. Idempotent: the row remembers when it was told."""
    return application_tell(application_id=application_id)
