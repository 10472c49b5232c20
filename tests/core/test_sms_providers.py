"""The 阿里云 and 腾讯云 backends against a local server standing in for the provider
(endpoint overridden to 127.0.0.1): the request each SDK sends is checked (signature,
template, parameters, number), and each provider's error answers map to the right reason."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from urllib.parse import quote

import pytest

from core.models import SmsDelivery
from core.sms import SmsSendError, phone_hash, sms_send
from tests.core.sms_server import Received, start_provider

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
ALIYUN_SECRET = "aliyun-test-secret"
TENCENT_KEY = "tencent-test-key"
ALIYUN_OK = {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "R-1"}
TENCENT_OK = {
    "Response": {
        "SendStatusSet": [
            {
                "SerialNo": "2640:33000000000000000000000000",
                "PhoneNumber": f"+86{PHONE}",
                "Fee": 1,
                "SessionContext": "",
                "Code": "Ok",
                "Message": "send success",
                "IsoCode": "CN",
            }
        ],
        "RequestId": "T-1",
    }
}


@pytest.fixture
def common(settings):
    settings.SMS_SIGN_NAME = "职工之家河北"
    settings.SMS_TEMPLATE_CODE = "SMS_465890001"
    settings.SMS_TEMPLATE_NOTICE = "SMS_465890002"
    settings.SMS_TIMEOUT_SECONDS = 5
    return settings


@pytest.fixture
def aliyun(common):
    provider = start_provider(ALIYUN_OK, content_type="application/json;charset=utf-8")
    common.SMS_BACKEND = "core.sms.backends.aliyun.SmsBackend"
    common.SMS_ALIYUN_ACCESS_KEY_ID = "LTAI5tTestKeyId"
    common.SMS_ALIYUN_ACCESS_KEY_SECRET = ALIYUN_SECRET
    common.SMS_ALIYUN_ENDPOINT = provider.url
    yield provider
    provider.stop()


@pytest.fixture
def tencent(common):
    provider = start_provider(TENCENT_OK)
    common.SMS_BACKEND = "core.sms.backends.tencent.SmsBackend"
    common.SMS_TEMPLATE_CODE = "2038492"
    common.SMS_TENCENT_SECRET_ID = "AKIDtestsecretid"
    common.SMS_TENCENT_SECRET_KEY = TENCENT_KEY
    common.SMS_TENCENT_SDK_APP_ID = "1400787878"
    common.SMS_TENCENT_REGION = "ap-guangzhou"
    common.SMS_TENCENT_ENDPOINT = provider.url
    yield provider
    provider.stop()


def send_code(**kwargs) -> SmsDelivery:
    return sms_send(phone=PHONE, template="code", params={"code": "204816", "minutes": 5}, **kwargs)


def failure(**kwargs) -> SmsSendError:
    with pytest.raises(SmsSendError) as exc:
        send_code(**kwargs)
    return exc.value


# --- 阿里云 ---------------------------------------------------------------------------------


def aliyun_signature(request: Received, secret: str) -> str:
    """ACS3-HMAC-SHA256 recomputed from what arrived (the provider's check)."""
    auth = request.headers["authorization"]
    algorithm, _, rest = auth.partition(" ")
    parts = dict(item.split("=", 1) for item in rest.split(","))
    signed = parts["SignedHeaders"].split(";")
    query = "&".join(
        f"{key}={quote(request.query[key], safe='~')}" for key in sorted(request.query)
    )
    headers = "".join(f"{name}:{request.headers[name].strip()}\n" for name in signed)
    canonical = "\n".join(
        [
            request.method,
            request.path,
            query,
            headers,
            parts["SignedHeaders"],
            request.headers["x-acs-content-sha256"],
        ]
    )
    assert algorithm == "ACS3-HMAC-SHA256"
    to_sign = f"{algorithm}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    return hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()


def test_aliyun_sends_a_signed_send_sms_with_the_template(aliyun):
    delivery = send_code()
    [request] = aliyun.requests
    assert request.headers["x-acs-action"] == "SendSms"
    assert request.headers["x-acs-version"] == "2017-05-25"
    assert request.query["PhoneNumbers"] == PHONE
    assert request.query["SignName"] == "职工之家河北"
    assert request.query["TemplateCode"] == "SMS_465890001"
    assert json.loads(request.query["TemplateParam"]) == {"code": "204816", "minutes": "5"}
    assert request.query["OutId"] == f"sms-{delivery.pk}"
    # The signature: present, over these very parameters, with the configured secret.
    auth = request.headers["authorization"]
    assert "Credential=LTAI5tTestKeyId," in auth
    assert "x-acs-date" in auth and "host" in auth
    assert hashlib.sha256(request.body).hexdigest() == request.headers["x-acs-content-sha256"]
    signature = auth.rsplit("Signature=", 1)[1]
    assert signature == aliyun_signature(request, ALIYUN_SECRET)
    assert signature != aliyun_signature(request, "another-secret")

    delivery.refresh_from_db()
    assert delivery.status == SmsDelivery.Status.SENT and delivery.sent_at
    assert delivery.provider == "aliyun" and delivery.template == "code"
    assert delivery.provider_message_id == "900619746936498440^0"
    assert delivery.request_id == "R-1" and delivery.attempts == 1
    # The number is kept masked and hashed, never in clear.
    assert delivery.phone_masked == "138****5678" and delivery.phone_hash == phone_hash(PHONE)
    assert PHONE not in json.dumps(list(SmsDelivery.objects.values()), default=str)


def test_aliyun_notice_parameters_by_name(aliyun):
    sms_send(phone=PHONE, template="notice", params={"title": "入会申请已通过", "body": "欢迎加入"})
    [request] = aliyun.requests
    assert request.query["TemplateCode"] == "SMS_465890002"
    assert json.loads(request.query["TemplateParam"]) == {
        "title": "入会申请已通过",
        "body": "欢迎加入",
    }


@pytest.mark.parametrize(
    ("code", "reason", "transient", "words"),
    [
        ("isv.BUSINESS_LIMIT_CONTROL", "rate_limited", True, "频率"),
        ("isv.DAY_LIMIT_CONTROL", "rate_limited", True, "频率"),
        ("isv.MOBILE_NUMBER_ILLEGAL", "bad_number", False, "号码无效"),
        ("isv.AMOUNT_NOT_ENOUGH", "out_of_credit", False, "余额不足"),
        ("isv.SMS_TEMPLATE_ILLEGAL", "misconfigured", False, "配置有误"),
        ("isv.SOMETHING_NEW", "unknown", True, "发送失败"),
    ],
)
def test_aliyun_refusals_map_to_a_reason(aliyun, code, reason, transient, words):
    aliyun.reply({"Code": code, "Message": "原文说明", "RequestId": "R-9", "BizId": ""})
    error = failure(last_attempt=False)
    assert (error.code, error.reason.key, error.transient) == (code, reason, transient)
    assert words in error.message and error.detail == "原文说明"
    delivery = SmsDelivery.objects.get()
    assert delivery.status == ("pending" if transient else "failed")
    assert delivery.error_code == code and delivery.error_message == error.message
    assert delivery.request_id == "R-9" and delivery.sent_at is None


def test_aliyun_http_errors_and_an_unreachable_endpoint(aliyun, settings):
    aliyun.reply(
        {"Code": "SignatureDoesNotMatch", "Message": "bad sig", "RequestId": "R-2"}, status=400
    )
    error = failure()
    assert error.reason.key == "misconfigured" and not error.transient
    aliyun.reply({"Code": "ServiceUnavailable", "Message": "busy", "RequestId": "R-3"}, 503)
    error = failure()
    assert error.reason.key == "unavailable" and error.transient
    aliyun.reply({"Code": "Throttling.User", "Message": "flow control"}, status=400)
    assert failure().reason.key == "rate_limited"
    aliyun.stop()
    error = failure()
    assert error.reason.key == "unavailable" and error.transient and error.code == "network"
    # The SDK's message names the URL, number included: the record keeps it masked.
    assert PHONE in error.detail
    details = SmsDelivery.objects.values_list("error_detail", flat=True)
    assert "138****5678" in details.first() and all(PHONE not in d for d in details)


def test_a_provider_without_its_settings_fails_the_system_check(settings):
    from core.sms.checks import sms_provider_configured

    assert sms_provider_configured() == []  # console
    settings.SMS_BACKEND = "core.sms.backends.tencent.SmsBackend"
    settings.SMS_TENCENT_SECRET_ID = "AKIDx"
    [error] = sms_provider_configured()
    assert error.id == "core.sms.E001"
    assert "SMS_TENCENT_SECRET_KEY" in error.msg and "SMS_SIGN_NAME" in error.msg
    assert "SMS_TENCENT_SECRET_ID" not in error.msg


# --- 腾讯云 ---------------------------------------------------------------------------------


def tencent_signature(request: Received, secret: str) -> str:
    """TC3-HMAC-SHA256 recomputed from what arrived."""
    timestamp = request.headers["x-tc-timestamp"]
    date = datetime.fromtimestamp(int(timestamp), UTC).strftime("%Y-%m-%d")
    canonical = "\n".join(
        [
            "POST",
            "/",
            "",
            f"content-type:{request.headers['content-type']}\nhost:{request.headers['host']}\n",
            "content-type;host",
            hashlib.sha256(request.body).hexdigest(),
        ]
    )
    scope = f"{date}/sms/tc3_request"
    to_sign = "\n".join(
        ["TC3-HMAC-SHA256", timestamp, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )

    def sign(key: bytes, message: str) -> bytes:
        return hmac.new(key, message.encode(), hashlib.sha256).digest()

    key = sign(sign(sign(f"TC3{secret}".encode(), date), "sms"), "tc3_request")
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def test_tencent_sends_a_signed_send_sms_with_the_template(tencent):
    delivery = send_code()
    [request] = tencent.requests
    assert request.headers["x-tc-action"] == "SendSms"
    assert request.headers["x-tc-version"] == "2021-01-11"
    assert request.headers["x-tc-region"] == "ap-guangzhou"
    body = request.json()
    assert body["SmsSdkAppId"] == "1400787878"
    assert body["SignName"] == "职工之家河北"
    assert body["TemplateId"] == "2038492"
    assert body["TemplateParamSet"] == ["204816", "5"]  # the template's {1}, {2}
    assert body["PhoneNumberSet"] == [f"+86{PHONE}"]
    assert body["SessionContext"] == f"sms-{delivery.pk}"
    auth = request.headers["authorization"]
    assert auth.startswith("TC3-HMAC-SHA256 Credential=AKIDtestsecretid/")
    assert "/sms/tc3_request, SignedHeaders=content-type;host, Signature=" in auth
    signature = auth.rsplit("Signature=", 1)[1]
    assert signature == tencent_signature(request, TENCENT_KEY)
    assert signature != tencent_signature(request, "another-key")

    delivery.refresh_from_db()
    assert delivery.status == SmsDelivery.Status.SENT and delivery.provider == "tencent"
    assert delivery.provider_message_id == "2640:33000000000000000000000000"
    assert delivery.request_id == "T-1"


def tencent_error(code: str) -> dict:
    return {"Response": {"Error": {"Code": code, "Message": "原文说明"}, "RequestId": "T-9"}}


def tencent_status(code: str) -> dict:
    answer = json.loads(json.dumps(TENCENT_OK))
    status = answer["Response"]["SendStatusSet"][0]
    status.update(Code=code, Message="原文说明", SerialNo="", Fee=0)
    return answer


@pytest.mark.parametrize("shape", [tencent_error, tencent_status])
@pytest.mark.parametrize(
    ("code", "reason", "transient"),
    [
        ("LimitExceeded.PhoneNumberDailyLimit", "rate_limited", True),
        ("LimitExceeded.PhoneNumberThirtySecondLimit", "rate_limited", True),
        ("InvalidParameterValue.IncorrectPhoneNumber", "bad_number", False),
        ("FailedOperation.PhoneNumberInBlacklist", "bad_number", False),
        ("FailedOperation.InsufficientBalanceInSmsPackage", "out_of_credit", False),
        ("FailedOperation.TemplateIncorrectOrUnapproved", "misconfigured", False),
        ("AuthFailure.SignatureFailure", "misconfigured", False),
        ("InternalError.Timeout", "unavailable", True),
    ],
)
def test_tencent_refusals_map_to_a_reason(tencent, shape, code, reason, transient):
    """Both shapes: the whole request refused (``Error``), or one number (``SendStatus``)."""
    tencent.reply(shape(code))
    error = failure(last_attempt=False)
    assert (error.code, error.reason.key, error.transient) == (code, reason, transient)
    assert error.request_id == "T-9" or shape is tencent_status
    delivery = SmsDelivery.objects.get()
    assert delivery.status == ("pending" if transient else "failed")
    assert delivery.error_code == code and delivery.error_detail == "原文说明"


def test_tencent_unreachable_endpoint(tencent):
    tencent.stop()
    error = failure()
    assert error.reason.key == "unavailable" and error.transient
    assert SmsDelivery.objects.get().status == "failed"  # the last attempt


def test_a_template_without_an_id_is_refused_before_any_request(aliyun, settings):
    settings.SMS_TEMPLATE_CODE = ""
    error = failure()
    assert error.reason.key == "misconfigured" and "SMS_TEMPLATE_CODE" in error.code
    assert aliyun.requests == []
