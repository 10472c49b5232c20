"""What a provider's refusal means, in Chinese, and whether trying again can help.

Each provider's error codes (阿里云 ``isv.*``/``isp.*``, 腾讯云 ``LimitExceeded.*``,
``FailedOperation.*`` …) map to one ``Reason``: its message is what the member or the staff
member reads, ``transient`` decides whether the notice task retries with backoff (provider
rate limits, outages, the network) or gives up at once (a bad number, no credit left, a
wrong sign name or template: retrying would fail the same way).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Reason:
    key: str
    message: str
    transient: bool


RATE_LIMITED = Reason(
    "rate_limited", _("短信服务商限制了该号码的发送频率，请稍后再试。"), transient=True
)
BAD_NUMBER = Reason(
    "bad_number", _("该手机号码无效或暂时无法接收短信，请核对号码后重试。"), transient=False
)
OUT_OF_CREDIT = Reason(
    "out_of_credit",
    _("短信服务余额不足，暂时无法发送短信，请稍后再试或拨打12351咨询。"),
    transient=False,
)
MISCONFIGURED = Reason(
    "misconfigured",
    _("短信服务配置有误（签名、模板或密钥），暂时无法发送短信，请稍后再试。"),
    transient=False,
)
CONTENT_REJECTED = Reason(
    "content_rejected", _("短信内容未通过服务商审核，无法发送。"), transient=False
)
UNAVAILABLE = Reason("unavailable", _("短信服务暂时无法连接，请稍后再试。"), transient=True)
UNKNOWN = Reason("unknown", _("短信发送失败，请稍后再试。"), transient=True)


class SmsSendError(Exception):
    """The provider refused the text or could not be reached.

    ``message`` is Chinese and safe to show a member (the reason's); ``detail`` what the
    provider or backend said, ``code`` the provider's own code (both for the delivery record
    and the staff), ``transient`` whether a later try may succeed. ``delivery`` is set by
    ``core.sms.sms_send`` to the record of the failure.
    """

    def __init__(
        self,
        detail: str = "",
        *,
        code: str = "",
        reason: Reason = UNKNOWN,
        request_id: str = "",
    ) -> None:
        self.detail = str(detail)
        self.message = str(reason.message)
        self.code = code
        self.reason = reason
        self.transient = reason.transient
        self.request_id = request_id
        self.delivery = None
        super().__init__(f"{code or reason.key}: {self.detail}" if self.detail else self.message)

    @classmethod
    def from_code(
        cls, table: dict[str, Reason], code: str, *, request_id: str = "", detail: str = ""
    ) -> SmsSendError:
        reason = table.get(code) or _by_prefix(code)
        return cls(code=code, reason=reason, request_id=request_id, detail=detail)


_PREFIXES = (
    ("LimitExceeded.", RATE_LIMITED),
    ("Throttling", RATE_LIMITED),
    ("AuthFailure", MISCONFIGURED),
    ("InvalidAccessKeyId", MISCONFIGURED),
    ("InternalError", UNAVAILABLE),
    ("isp.", UNAVAILABLE),
)


def _by_prefix(code: str) -> Reason:
    for prefix, reason in _PREFIXES:
        if code.startswith(prefix):
            return reason
    return UNKNOWN


#: 阿里云短信 SendSms (Code in the body, or the OpenAPI error of a 4xx/5xx).
ALIYUN_CODES: dict[str, Reason] = {
    "isv.BUSINESS_LIMIT_CONTROL": RATE_LIMITED,
    "isv.DAY_LIMIT_CONTROL": RATE_LIMITED,
    "isv.MOBILE_NUMBER_ILLEGAL": BAD_NUMBER,
    "isv.MOBILE_COUNT_OVER_LIMIT": BAD_NUMBER,
    "isv.BLACK_KEY_CONTROL_LIMIT": CONTENT_REJECTED,
    "isv.AMOUNT_NOT_ENOUGH": OUT_OF_CREDIT,
    "isv.OUT_OF_SERVICE": OUT_OF_CREDIT,
    "isv.SMS_SIGNATURE_ILLEGAL": MISCONFIGURED,
    "isv.SMS_SIGN_ILLEGAL": MISCONFIGURED,
    "isv.SMS_TEMPLATE_ILLEGAL": MISCONFIGURED,
    "isv.TEMPLATE_MISSING_PARAMETERS": MISCONFIGURED,
    "isv.INVALID_PARAMETERS": MISCONFIGURED,
    "isv.INVALID_JSON_PARAM": MISCONFIGURED,
    "isv.PARAM_LENGTH_LIMIT": MISCONFIGURED,
    "isv.ACCOUNT_NOT_EXISTS": MISCONFIGURED,
    "isv.ACCOUNT_ABNORMAL": MISCONFIGURED,
    "isv.PRODUCT_UN_SUBSCRIPT": MISCONFIGURED,
    "isv.PRODUCT_UNSUBSCRIBE": MISCONFIGURED,
    "isp.RAM_PERMISSION_DENY": MISCONFIGURED,
    "SignatureDoesNotMatch": MISCONFIGURED,
    "IncompleteSignature": MISCONFIGURED,
    "isp.SYSTEM_ERROR": UNAVAILABLE,
    "ServiceUnavailable": UNAVAILABLE,
}

#: 腾讯云短信 SendSms 2021-01-11 (the request's Error.Code, or a number's SendStatus.Code).
TENCENT_CODES: dict[str, Reason] = {
    "LimitExceeded.PhoneNumberDailyLimit": RATE_LIMITED,
    "LimitExceeded.PhoneNumberOneHourLimit": RATE_LIMITED,
    "LimitExceeded.PhoneNumberThirtySecondLimit": RATE_LIMITED,
    "LimitExceeded.PhoneNumberSameContentDailyLimit": RATE_LIMITED,
    "LimitExceeded.DeliveryFrequencyLimit": RATE_LIMITED,
    "LimitExceeded.AppDailyLimit": RATE_LIMITED,
    "LimitExceeded.PhoneNumberCountLimit": MISCONFIGURED,
    "RequestLimitExceeded": RATE_LIMITED,
    "InvalidParameterValue.IncorrectPhoneNumber": BAD_NUMBER,
    "FailedOperation.PhoneNumberInBlacklist": BAD_NUMBER,
    "FailedOperation.PhoneNumberParseFail": BAD_NUMBER,
    "UnsupportedOperation.UnsupportedRegion": BAD_NUMBER,
    "FailedOperation.InsufficientBalanceInSmsPackage": OUT_OF_CREDIT,
    "UnauthorizedOperation.SerivceSuspendDueToArrears": OUT_OF_CREDIT,
    "UnauthorizedOperation.ServiceSuspendDueToArrears": OUT_OF_CREDIT,
    "FailedOperation.ContainSensitiveWord": CONTENT_REJECTED,
    "FailedOperation.SignatureIncorrectOrUnapproved": MISCONFIGURED,
    "FailedOperation.TemplateIncorrectOrUnapproved": MISCONFIGURED,
    "FailedOperation.TemplateParamSetNotMatchApprovedTemplate": MISCONFIGURED,
    "FailedOperation.MissingSignature": MISCONFIGURED,
    "FailedOperation.MissingTemplate": MISCONFIGURED,
    "InvalidParameterValue.TemplateParameterFormatError": MISCONFIGURED,
    "InvalidParameterValue.TemplateParameterLengthLimit": MISCONFIGURED,
    "InvalidParameterValue.SdkAppIdNotExist": MISCONFIGURED,
    "UnauthorizedOperation.SmsSdkAppIdVerifyFail": MISCONFIGURED,
    "UnauthorizedOperation.RequestPermissionDeny": MISCONFIGURED,
    "ClientNetworkError": UNAVAILABLE,
    "ServerNetworkError": UNAVAILABLE,
}
