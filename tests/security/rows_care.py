"""URL-matrix rows of the care app (issue #22); the objects are in world_care.py.

The joining page and the applicant's status page are public (the signed key in the address); counselling bookings
are member_a's and seen by no officer (not even the city administrator, who is not the named coordinator); the
legal-help request goes to the city union, never to unit A's officer.
"""

from tests.security.matrix import DONE, LOGIN, REDIRECT, Row

L, R = LOGIN, REDIRECT
ALL = (200, 200, 200, 200, 200)
EVERYONE = (L, 200, 200, 200, 200)
OFFICERS = (L, 403, 200, 200, 200)
CITY = (L, 403, 403, 403, 200)
NO_GET = (L, 405, 405, 405, 405)

ROWS = {
    # public: anyone with the signed address; a garbage POST is the form again with its errors
    "care:join": Row({"key": "join_key"}, get=ALL, post=(DONE, DONE, DONE, DONE, DONE)),
    "care:join#forged": Row({"key": "=1.forged"}, get=(404, 404, 404, 404, 404), post=(404, 404, 404, 404, 404)),
    "care:join_status": Row({"key": "join_status_key"}, get=ALL, post=(405, 405, 405, 405, 405)),
    "care:applications": Row(get=OFFICERS),
    "care:join_poster": Row({"unit_id": "unit"}, get=(L, 404, 200, 404, 200)),
    "care:application_detail": Row({"pk": "application"}, get=(L, 404, 200, 404, 200)),
    "care:application_accept": Row({"pk": "application"}, get=NO_GET, post=(L, 404, DONE, 404, DONE)),
    "care:application_decline": Row({"pk": "application"}, get=NO_GET, post=(L, 404, DONE, 404, DONE)),
    # every actor of the matrix has a member record, so a card
    "care:card": Row(get=EVERYONE),
    "care:card_print": Row(get=EVERYONE),
    "care:card_photo": Row(get=NO_GET, post=(L, DONE, DONE, DONE, DONE)),
    "care:card_photo_image": Row(get=(L, 200, 404, 404, 404)),
    "care:counselling": Row(get=EVERYONE),
    "care:counselling_manage": Row(get=CITY, post=(L, 403, 403, 403, DONE)),
    "care:book": Row({"pk": "free_slot"}, get=NO_GET, post=(L, DONE, DONE, DONE, DONE)),
    "care:slot_delete": Row({"pk": "free_slot"}, get=NO_GET, post=(L, 403, 403, 403, DONE)),
    # neither a counsellor nor the coordinator among the actors: nobody but member_a reads the booking
    "care:bookings": Row(get=(L, 403, 403, 403, 403)),
    "care:booking_detail": Row({"pk": "booking"}, get=(L, 200, 404, 404, 404), post=(L, 403, 404, 404, 404)),
    "care:booking_cancel": Row({"pk": "booking"}, get=NO_GET, post=(L, DONE, 404, 404, 404)),
    "care:legal": Row(get=EVERYONE, post=(L, DONE, DONE, DONE, DONE)),
    "care:legal_inbox": Row(get=CITY),
    "care:legal_detail": Row({"pk": "legal"}, get=(L, 200, 404, 404, 200)),
    "care:legal_action": Row({"pk": "legal", "action": "=answer"}, get=NO_GET, post=(L, 403, 404, 404, DONE)),
    "care:legal_action#rate": Row({"pk": "legal", "action": "=rate"}, get=NO_GET, post=(L, DONE, 404, 404, 403)),
    "care:legal_action#unknown": Row({"pk": "legal", "action": "=fly"}, get=NO_GET, post=(L, 404, 404, 404, 404)),
    "care:mine": Row(get=EVERYONE),
    "care:training": Row(get=OFFICERS, post=(L, 403, DONE, DONE, DONE)),
    "care:officers_untrained": Row(get=OFFICERS),
    "care:health": Row(get=OFFICERS, post=(L, 403, DONE, DONE, DONE)),
    # activities: the organiser checks a member in by the card's code (unit A's activity)
    "activities:card_checkin": Row({"pk": "activity"}, get=NO_GET, post=(L, 403, DONE, 404, DONE)),
}
