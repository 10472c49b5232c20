import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from accounts.services.roles import role_assign
from hotline.selectors import hotline_figures
from hotline.services import requests as svc
from hotline.services.cases import hotline_case_create
from regions.models import Article
from tests.accounts.factories import StaffUserFactory, UserFactory
from tests.hotline.factories import make_agent, make_request, region

pytestmark = pytest.mark.django_db


def test_figures_count_and_rate(regions):
    agent = make_agent()
    member = UserFactory()
    done = make_request(member=member, topic="wages")
    make_request(topic="noncompete")
    svc.hotline_reply(actor=agent, request=done, body="已答复", action="resolve")
    svc.hotline_request_rate(member=member, request=done, rating=4)
    figures = hotline_figures(region_path=region("130100").path)
    assert figures["total"] == 2 and figures["open"] == 1
    assert figures["by_topic"] == {"wages": 1, "noncompete": 1}
    assert figures["by_city"] == {"石家庄市": 2}
    assert figures["on_time_rate"] == 1.0 and figures["satisfaction_rate"] == 1.0
    assert figures["first_response_hours"] is not None
    assert hotline_figures(region_path=region("131000").path)["total"] == 0


def test_resolved_request_becomes_anonymised_case_submitted_for_review(regions):
    agent = make_agent()
    member = UserFactory(display_name="刘鸿")
    item = make_request(
        member=member, description="我叫刘鸿，电话13800000003，公司不付竞业限制补偿金。"
    )
    editor = StaffUserFactory()
    role_assign(user=editor, role=Role.REGION_EDITOR, region=region("130100"))
    with pytest.raises(ValidationError, match="已办结"):
        hotline_case_create(actor=editor, request=item)
    svc.hotline_reply(actor=agent, request=item, body="刘鸿您好，可以请求解除。", action="resolve")
    article = hotline_case_create(actor=editor, request=item)
    assert article.kind == Article.Kind.CASE and article.status == Article.Status.SUBMITTED
    assert "刘鸿" not in article.body and "13800000003" not in article.body
    with pytest.raises(ValidationError, match="已经整理过"):
        hotline_case_create(actor=editor, request=item)
