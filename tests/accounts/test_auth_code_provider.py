"""The sign-in code through a real provider (阿里云, against a local stand-in): the member is
told why a code did not go out, never "验证码已发送"; nothing is saved then, and a code sent
earlier stays valid."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import SmsCode
from accounts.services.auth import sms_code_send, sms_code_verify
from core.models import SmsDelivery
from tests.core.sms_server import start_provider

pytestmark = pytest.mark.django_db

PHONE = "13800000051"
OK = {"Code": "OK", "Message": "OK", "BizId": "1234^0", "RequestId": "R-1"}


@pytest.fixture
def aliyun(settings):
    provider = start_provider(OK, content_type="application/json;charset=utf-8")
    settings.SMS_BACKEND = "core.sms.backends.aliyun.SmsBackend"
    settings.SMS_ALIYUN_ACCESS_KEY_ID = "LTAI5tTestKeyId"
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "secret"
    settings.SMS_ALIYUN_ENDPOINT = provider.url
    settings.SMS_SIGN_NAME = "职工之家河北"
    settings.SMS_TEMPLATE_CODE = "SMS_465890001"
    yield provider
    provider.stop()


def refuse(provider, code: str) -> None:
    provider.reply({"Code": code, "Message": "原文", "RequestId": "R-2", "BizId": ""})


def test_a_sent_code_is_recorded_and_its_template_carries_it(aliyun):
    record = sms_code_send(phone=PHONE)
    [request] = aliyun.requests
    assert '"minutes":"5"' in request.query["TemplateParam"]
    code = request.query["TemplateParam"].split('"code":"')[1][:6]
    delivery = SmsDelivery.objects.get()
    assert delivery.status == "sent" and delivery.template == "code"
    assert delivery.provider_message_id == "1234^0" and delivery.phone_masked == "138****0051"
    assert sms_code_verify(phone=PHONE, code=code).pk == record.pk


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("isv.MOBILE_NUMBER_ILLEGAL", "该手机号码无效或暂时无法接收短信"),
        ("isv.BUSINESS_LIMIT_CONTROL", "短信服务商限制了该号码的发送频率"),
        ("isv.AMOUNT_NOT_ENOUGH", "短信服务余额不足"),
    ],
)
def test_the_page_says_why_the_code_did_not_go_out(client, aliyun, code, words):
    refuse(aliyun, code)
    response = client.post(reverse("accounts:login_code"), {"phone": PHONE}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert words in page and "验证码已发送" not in page
    assert not SmsCode.objects.exists()  # it does not count against the resend limits
    delivery = SmsDelivery.objects.get()
    assert delivery.status == "failed" and delivery.error_code == code


def test_a_failed_resend_leaves_the_earlier_code_valid(aliyun, settings):
    settings.SMS_CODE_RESEND_INTERVAL_SECONDS = 0
    sms_code_send(phone=PHONE)
    first = aliyun.requests[0].query["TemplateParam"].split('"code":"')[1][:6]
    refuse(aliyun, "isv.BUSINESS_LIMIT_CONTROL")
    with pytest.raises(Exception, match="频率"):
        sms_code_send(phone=PHONE)
    assert SmsCode.objects.count() == 1
    assert sms_code_verify(phone=PHONE, code=first)
    assert list(SmsDelivery.objects.values_list("status", flat=True).order_by("id")) == [
        "sent",
        "failed",
    ]
