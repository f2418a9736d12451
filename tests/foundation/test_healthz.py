import json

import pytest

from nantong_union.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthz_answers_json_200_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"database": "ok", "broker": "ok", "status": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_says_503_when_the_broker_is_down(client, monkeypatch):
    # Nothing listens on port 1: a real connection attempt to an unreachable Redis.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["broker"] == "unavailable" and body["database"] == "ok"
