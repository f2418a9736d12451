"""Two officers answering at once: the row lock lets one answer through, the other is told it is answered."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tests.factories import MemberFactory
from tests.voice.factories import VoiceItemFactory
from voice import services
from voice.models import VoiceEvent

pytestmark = pytest.mark.django_db(transaction=True)


def test_only_one_of_two_simultaneous_answers_is_recorded(require_postgres, tree, officer_a, city_admin):
    item = VoiceItemFactory(sender=MemberFactory(unit=tree["a"]))
    barrier = threading.Barrier(2)
    outcomes = []

    def answer(actor, text):
        try:
            barrier.wait()
            services.item_answer(actor=actor, item=item, answer=text)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=answer, args=(officer_a, "答复一")),
        threading.Thread(target=answer, args=(city_admin, "答复二")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert VoiceEvent.objects.filter(item=item, kind="answered").count() == 1
