"""The member's pages and API (anonymous, another member, the right member) and the staff
admin's scope: a county sees its county, another city nothing, decisions go through the
services (a refused one changes nothing)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from aid.models import HardshipApplication, HardshipStatus, MutualClaim
from core.models import AuditLog
from tests.accounts.factories import make_officer
from tests.aid.factories import active_enrolment, pdf, submit

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend="accounts.backends.ModelBackend")
    return client


FORM = {
    "reason": "illness",
    "family_size": "3",
    "monthly_income": "2800",
    "family_situation": "丈夫车祸后瘫痪在床，女儿上小学，全家靠我一个人的工资。",
}


def test_member_applies_on_the_page_and_follows_it_others_get_404(aid_world):
    w = aid_world
    url = reverse("aid:hardship_apply")
    assert _client().get(url).status_code == 302  # anonymous: sign in
    response = _client(w.member).post(url, {**FORM, "documents": [pdf()]})
    application = HardshipApplication.objects.get(member=w.member)
    assert response.status_code == 302 and response["Location"] == application.get_absolute_url()

    page = _client(w.member).get(application.get_absolute_url())
    body = page.content.decode()
    assert page.status_code == 200 and "待基层工会核实" in body and "诊断证明.pdf" in body
    document = application.documents.get()
    doc_url = reverse("aid:hardship_document", kwargs={"pk": document.pk})
    assert _client(w.member).get(doc_url).status_code == 200
    for outsider in (w.other_member, w.langfang_editor):
        assert _client(outsider).get(application.get_absolute_url()).status_code == 404
        assert _client(outsider).get(doc_url).status_code == 404
        withdraw = reverse("aid:hardship_withdraw", kwargs={"pk": application.pk})
        assert _client(outsider).post(withdraw).status_code == 404
    application.refresh_from_db()
    assert application.status == HardshipStatus.SUBMITTED


def test_a_fake_document_is_refused_in_chinese_and_nothing_is_saved(aid_world):
    fake = SimpleUploadedFile("收入证明.pdf", b"<html>not a pdf</html>")
    response = _client(aid_world.member).post(
        reverse("aid:hardship_apply"), {**FORM, "documents": [fake]}
    )
    assert response.status_code == 400
    assert "内容与扩展名不符" in response.content.decode()
    assert not HardshipApplication.objects.exists()


def test_api_applies_lists_and_hides_other_members_records(aid_world):
    w = aid_world
    api = reverse("aid-hardship-list")
    assert _client().get(api).status_code == 403
    response = _client(w.member).post(api, {**FORM, "documents": [pdf()]})
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    detail = reverse("aid-hardship-detail", kwargs={"pk": pk})
    data = _client(w.member).get(detail).json()
    assert data["steps"][0]["status_label"] == "待基层工会核实"
    assert _client(w.other_member).get(detail).status_code == 404
    assert _client(w.other_member).get(api).json() == []
    again = _client(w.member).post(api, {**FORM, "documents": [pdf()]})
    assert again.status_code == 400 and "正在审核" in again.content.decode()


def test_enrol_and_claim_on_the_api_above_cover_is_a_400(aid_world):
    w = aid_world
    assert _client().get(reverse("aid-plan-list")).status_code == 200
    enrolment = active_enrolment(w)
    url = reverse("aid-claim-create", kwargs={"pk": enrolment.pk})
    claim = {
        "incident_date": str(enrolment.starts_on),
        "description": "急性阑尾炎住院手术，住院六天已出院。",
    }
    claim["documents"] = [pdf("出院小结.pdf")]
    over = _client(w.member).post(url, {**claim, "amount_claimed": "30000.01"})
    assert over.status_code == 400 and "剩余保障额度" in over.content.decode()
    assert _client(w.other_member).post(url, {**claim, "amount_claimed": "100"}).status_code == 404
    claim["documents"] = [pdf("出院小结.pdf")]
    ok = _client(w.member).post(url, {**claim, "amount_claimed": "6400"})
    assert ok.status_code == 201, ok.content
    claim_url = reverse("aid:claim_detail", kwargs={"pk": ok.json()["id"]})
    assert "待审核" in _client(w.member).get(claim_url).content.decode()
    assert _client(w.other_member).get(claim_url).status_code == 404
    second = _client(w.member).post(
        reverse("aid:plan_enrol", kwargs={"pk": w.plan.pk}), {"payer": "self"}
    )
    assert second.status_code == 400 and "已参加" in second.content.decode()


# --- admin -----------------------------------------------------------------------------------


def _decide(client, application, **data):
    management = {}
    for prefix in ("documents", "steps", "disbursements"):
        management |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    url = reverse("admin:aid_hardshipapplication_change", args=[application.pk])
    return client.post(url, {**management, **data})


def test_admin_is_scoped_by_region_and_union_and_decides_through_the_services(aid_world, settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False
    w = aid_world
    application = submit(w.member)
    changelist = reverse("admin:aid_hardshipapplication_changelist")
    change = reverse("admin:aid_hardshipapplication_change", args=[application.pk])
    other_officer = make_officer(organization=w.unions["sanhe"])

    for insider in (w.officer, w.county_editor, w.city_editor):
        assert application.number in _client(insider).get(changelist).content.decode()
        assert _client(insider).get(change).status_code == 200
    for outsider in (w.langfang_editor, other_officer):
        body = _client(outsider).get(changelist).content.decode()
        assert application.number not in body
        assert _client(outsider).get(change).status_code == 302  # "does not exist"
    assert _client(w.member).get(changelist).status_code in (302, 404)  # not staff
    assert AuditLog.objects.filter(action="aid.hardship.view").count() == 3

    # the county may not approve (the city does): refused, nothing changes
    response = _decide(_client(w.county_editor), application, decision="verify", note="走访属实")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == HardshipStatus.VERIFIED  # county editors verify in scope
    refused = _decide(
        _client(w.county_editor),
        application,
        decision="approve",
        amount="3000",
        aid_form="medical",
    )
    # the form comes back with the refusal and what was typed, nothing to retype
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "总工会审批，您没有这个权限" in body
    assert 'value="3000"' in body and 'value="medical" selected' in body
    application.refresh_from_db()
    assert application.status == HardshipStatus.VERIFIED and application.approved_amount == 0
    _decide(
        _client(w.city_editor), application, decision="approve", amount="3000", aid_form="medical"
    )
    application.refresh_from_db()
    assert application.status == HardshipStatus.APPROVED
    assert application.approved_amount == Decimal("3000.00")


def test_claim_admin_approves_within_cover_only(aid_world, settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False
    w = aid_world
    enrolment = active_enrolment(w)
    claim = MutualClaim.objects.create(
        enrolment=enrolment,
        incident_date=enrolment.starts_on,
        amount_claimed=Decimal("40000"),
        description="测试",
        cover_limit=enrolment.cover_limit,
    )
    url = reverse("admin:aid_mutualclaim_change", args=[claim.pk])
    management = {"documents-TOTAL_FORMS": "0", "documents-INITIAL_FORMS": "0"}
    assert _client(w.langfang_editor).get(url).status_code == 302
    above = _client(w.city_editor).post(
        url, {**management, "decision": "approve", "amount": "30000.01"}
    )
    body = above.content.decode()
    assert above.status_code == 200 and 'value="30000.01"' in body and "超过剩余保障额度" in body
    claim.refresh_from_db()
    assert claim.status == "submitted"
    _client(w.city_editor).post(url, {**management, "decision": "approve", "amount": "30000"})
    claim.refresh_from_db()
    assert claim.status == "approved" and claim.approved_amount == Decimal("30000.00")
