"""Each feature app's settings, one block per app, read from the environment like the rest.

Imported by ``portal.settings`` (kept apart so neither module passes 600 lines); every
variable read here is named in deploy/.env.example too.
"""

from __future__ import annotations

import environ

env = environ.Env()

#: Merged by portal.settings into CELERY_BEAT_SCHEDULE and drf-spectacular's enum names.
FEATURE_BEAT_SCHEDULE: dict = {}
FEATURE_ENUM_NAME_OVERRIDES: dict = {}

# >>> regions block (region pages, local publishing, search) >>>
#: A county union's article is published by its city union's editors (submit → approve).
REGIONS_COUNTY_NEEDS_CITY_APPROVAL = env.bool("REGIONS_COUNTY_NEEDS_CITY_APPROVAL", default=True)
REGIONS_MAX_IMAGE_BYTES = 5 * 1024 * 1024
REGIONS_MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
FEATURE_BEAT_SCHEDULE["regions-publish-due-articles"] = {
    "task": "publishing.tasks.publish_due_articles",
    "schedule": 60.0,  # seconds: a scheduled article appears within a minute of its time
}
# <<< regions block <<<

# >>> activities block (activities, welcome packs, points ledger and mall) >>>
#: How long a region page keeps its "upcoming activities" block (dropped on any change).
ACTIVITIES_REGION_BLOCK_SECONDS = 5 * 60
#: Points lapse at the end of the Nth calendar year after the year they were earned (1:
#: earned in 2026, valid through 31 Dec 2027), per ledger source with "default" for the
#: rest; None: never. ACTIVITIES_POINTS_EXPIRY_YEARS=off turns expiry off.
_points_years = env.str("ACTIVITIES_POINTS_EXPIRY_YEARS", default="1").strip().lower()
ACTIVITIES_POINTS_EXPIRY_YEARS: dict[str, int | None] = {
    "default": None if _points_years in ("", "off", "none") else int(_points_years),
    "adjustment": None,  # staff corrections never lapse
}
#: Points for rating a resolved 12351 request (once per request).
ACTIVITIES_HOTLINE_RATING_POINTS = 5
from celery.schedules import crontab as _crontab  # noqa: E402

FEATURE_BEAT_SCHEDULE["activities-expire-points"] = {
    "task": "activities.tasks.expire_points",
    "schedule": _crontab(hour=0, minute=20),  # after midnight: year-end expiry on 1 January
}
# <<< activities block <<<

# >>> hotline block (12351: requests, time limits, legal consultations) >>>
HOTLINE_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
#: A resolved request the member neither confirms nor reopens closes after this many days.
HOTLINE_AUTO_CLOSE_DAYS = env.int("HOTLINE_AUTO_CLOSE_DAYS", default=7)
FEATURE_BEAT_SCHEDULE["hotline-flag-overdue"] = {
    "task": "hotline.tasks.flag_overdue",
    "schedule": 300.0,  # seconds
}
FEATURE_BEAT_SCHEDULE["hotline-auto-close"] = {
    "task": "hotline.tasks.auto_close",
    "schedule": 3600.0,
}
FEATURE_BEAT_SCHEDULE["hotline-consultation-reminders"] = {
    "task": "hotline.tasks.consultation_reminders",
    "schedule": 900.0,
}
FEATURE_ENUM_NAME_OVERRIDES.update(
    {"HotlineKindEnum": "hotline.models.Kind", "HotlineTopicEnum": "hotline.models.Topic"}
)
# <<< hotline block <<<

# >>> aid block (困难职工帮扶, 职工互助保障) >>>
#: The most one approval (or one year's renewal) of hardship aid may grant, in yuan.
AID_HARDSHIP_MAX_AMOUNT = env.int("AID_HARDSHIP_MAX_AMOUNT", default=20000)
FEATURE_BEAT_SCHEDULE["aid-flag-rechecks"] = {
    "task": "aid.tasks.flag_rechecks",
    "schedule": _crontab(hour=1, minute=10),  # nightly: aid disbursed a year ago is re-checked
}
FEATURE_ENUM_NAME_OVERRIDES.update(
    {
        "AidHardshipStatusEnum": "aid.models.HardshipStatus",
        "AidHardshipReasonEnum": "aid.models.HardshipReason",
        "AidFormEnum": "aid.models.AidForm",
        "AidClaimStatusEnum": "aid.models.ClaimStatus",
        "AidEnrolmentStatusEnum": "aid.models.EnrolmentStatus",
        "AidPayerEnum": "aid.models.Payer",
        "AidPlanKindEnum": "aid.models.PlanKind",
    }
)
# <<< aid block <<<

# >>> learning block (冀工学堂, 网上练兵, 冀高一筹) >>>
#: A question leaves the 错题本 after this many right answers in a row.
LEARNING_WRONG_BOOK_STREAK = env.int("LEARNING_WRONG_BOOK_STREAK", default=3)
#: Answers arriving up to this many seconds after an exam's deadline still count.
LEARNING_EXAM_GRACE_SECONDS = env.int("LEARNING_EXAM_GRACE_SECONDS", default=30)
FEATURE_BEAT_SCHEDULE["learning-expire-attempts"] = {
    "task": "learning.tasks.expire_attempts",
    "schedule": 60.0,  # seconds: an abandoned attempt is submitted within a minute
}
#: Points for passing an exam paper (once per member and paper); 0 turns them off.
LEARNING_EXAM_PASS_POINTS = env.int("LEARNING_EXAM_PASS_POINTS", default=10)
FEATURE_BEAT_SCHEDULE["learning-credit-rewards"] = {
    "task": "learning.tasks.credit_pending_rewards",
    "schedule": 3600.0,  # seconds: rewards whose after-commit task was lost
}
# <<< learning block <<<

# >>> jobs block (résumés, job posts, matching on Celery, applications) >>>
from celery.schedules import crontab  # noqa: E402

FEATURE_BEAT_SCHEDULE["jobs-learn-vocabulary"] = {
    "task": "jobs.tasks.learn_vocabulary",
    "schedule": crontab(hour=2, minute=0),  # titles learned from posts, before the refresh
}
FEATURE_BEAT_SCHEDULE["jobs-nightly-refresh"] = {
    "task": "jobs.tasks.nightly_refresh",
    "schedule": crontab(hour=2, minute=30),  # re-match every résumé while members sleep
}
# <<< jobs block <<<

# >>> insights block (indicators, facts, dashboard, big screen) >>>
FEATURE_BEAT_SCHEDULE["insights-flush-active"] = {
    "task": "insights.tasks.flush_active",
    "schedule": 300.0,  # seconds: daily-active notes reach the database within 5 minutes
}
FEATURE_BEAT_SCHEDULE["insights-compute-yesterday"] = {
    "task": "insights.tasks.compute_day",
    "schedule": crontab(hour=1, minute=10),  # yesterday's facts, before the nightly re-match
}
# <<< insights block <<<

# >>> national identity block (sign in with the national 职工之家 account, OIDC) >>>
#: The national platform's OpenID Connect issuer (discovery at
#: <issuer>/.well-known/openid-configuration) and this portal's client there. Unset: no
#: national sign-in button, and its URLs answer 404.
NATIONAL_IDP_ISSUER = env.str("NATIONAL_IDP_ISSUER", default="").strip().rstrip("/")
NATIONAL_IDP_CLIENT_ID = env.str("NATIONAL_IDP_CLIENT_ID", default="")
NATIONAL_IDP_CLIENT_SECRET = env.str("NATIONAL_IDP_CLIENT_SECRET", default="")
#: Claims that carry the resident ID number and whether the platform verified it (real-name
#: check); an ID number links to an existing member only when verified.
NATIONAL_IDP_ID_NUMBER_CLAIM = env.str("NATIONAL_IDP_ID_NUMBER_CLAIM", default="id_number")
NATIONAL_IDP_ID_VERIFIED_CLAIM = env.str(
    "NATIONAL_IDP_ID_VERIFIED_CLAIM", default="id_number_verified"
)
#: How long a sign-in waits for the member to confirm the phone number or agree to the
#: privacy policy before it has to start again (seconds).
NATIONAL_IDP_PENDING_SECONDS = 10 * 60
SOCIALACCOUNT_ADAPTER = "accounts.national.adapter.NationalSocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS: dict = {}
if NATIONAL_IDP_ISSUER and NATIONAL_IDP_CLIENT_ID:
    SOCIALACCOUNT_PROVIDERS["acftu"] = {
        "APPS": [
            {
                "provider_id": "acftu",
                "name": "全国总工会职工之家",
                "client_id": NATIONAL_IDP_CLIENT_ID,
                "secret": NATIONAL_IDP_CLIENT_SECRET,
                "settings": {
                    "server_url": NATIONAL_IDP_ISSUER,
                    "oauth_pkce_enabled": True,
                    "scope": ["openid", "profile", "phone"],
                },
            }
        ]
    }
# Accounts are never found by an e-mail address the platform sends, and never signed up by
# allauth's own form: accounts.national.adapter links or asks, nothing else.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_REQUIRED = False
SOCIALACCOUNT_QUERY_EMAIL = False
#: A national IdP that does not answer within this many seconds counts as down.
SOCIALACCOUNT_REQUESTS_TIMEOUT = env.int("NATIONAL_IDP_TIMEOUT_SECONDS", default=5)
# <<< national identity block <<<

# >>> web push block (installable app: notices pushed to members' phones, core.push) >>>
#: The VAPID pair (deploy/genkeys.py prints one): the private key as base64url of its raw 32
#: bytes, the public key as base64url of the uncompressed P-256 point. The public key may be
#: left out (it is derived); when given it must match. Unset private key: no push, no
#: "开启手机推送" control, nothing enqueued — unless IDENTITY_DEV_KEYS derives a development
#: pair from SECRET_KEY (development and tests).
WEB_PUSH_VAPID_PRIVATE_KEY = env.str("WEB_PUSH_VAPID_PRIVATE_KEY", default="").strip()
WEB_PUSH_VAPID_PUBLIC_KEY = env.str("WEB_PUSH_VAPID_PUBLIC_KEY", default="").strip()
#: Who push services contact about this sender (RFC 8292 "sub"): mailto: or https: URL.
WEB_PUSH_VAPID_SUBJECT = env.str("WEB_PUSH_VAPID_SUBJECT", default="").strip()
#: A phone that is off keeps a notice queued at its push service this long (seconds).
WEB_PUSH_TTL_SECONDS = env.int("WEB_PUSH_TTL_SECONDS", default=24 * 3600)
#: How long one push service may take to answer (seconds).
WEB_PUSH_TIMEOUT_SECONDS = 10.0
# <<< web push block <<<
