"""The admin's "颁发奖项" action: only after the competition ended, by whoever may publish
in its region, and in the background (the task enqueued by name through the outbox)."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from core.models import OutboxMessage
from portal.celery import app
from tests.learning.factories import make_competition, make_editor, make_paper, make_question

pytestmark = pytest.mark.django_db

TASK = "learning.tasks.issue_competition_awards"


@pytest.fixture(autouse=True)
def _no_mfa_gate(settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False


def _competition(*, ended: bool):
    now = timezone.now()
    dates = (
        {
            "registration_opens_at": now - timedelta(days=3),
            "registration_closes_at": now - timedelta(days=2),
            "ends_at": now - timedelta(minutes=30),
        }
        if ended
        else {}
    )
    return make_competition(paper=make_paper(questions=[make_question()]), **dates)


def _issue(client, competition):
    response = client.post(
        reverse("admin:learning_competition_changelist"),
        {"action": "issue_awards", "_selected_action": [competition.pk]},
    )
    assert response.status_code == 302
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_an_ended_competition_gets_its_awards_in_the_background(client, regions):
    competition = _competition(ended=True)
    client.force_login(make_editor())
    assert _issue(client, competition) == [f"{competition}：正在颁发奖项。"]
    message = OutboxMessage.objects.get(task=TASK)
    assert message.args == [competition.pk]
    assert message.task in app.tasks  # the name is a registered task, not a typo


def test_a_running_competition_is_refused(client, regions):
    competition = _competition(ended=False)
    client.force_login(make_editor())
    assert _issue(client, competition) == [f"{competition}：竞赛结束后才能颁奖。"]
    assert not OutboxMessage.objects.filter(task=TASK).exists()
