"""Settings for 职工之家·河北, driven by environment variables (12-factor).

Every variable read here is named in deploy/.env.example (a test keeps them in step) and the
main ones are explained in README's *Configuration*. Unset ``DATABASE_URL``: SQLite under
var/; unset ``REDIS_URL``: Celery runs tasks eagerly and the cache is local memory.
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal.settings_helpers import logging_config, next_redis_db, pem_blocks

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # A development-only key: sessions signed with it are worthless elsewhere.
    SECRET_KEY = "django-insecure-dev-only-key-for-local-runs"  # noqa: S105
# Rotation: the new key in SECRET_KEY, the old one here until sessions signed with it expire.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Addresses or networks of the reverse proxies in front of gunicorn (nginx): only from
# them is X-Forwarded-For believed (core.middleware.ClientAddressMiddleware). Empty: the
# peer's address is the client's.
PORTAL_TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

INSTALLED_APPS = [
    # unfold must come before django.contrib.admin to replace its templates.
    "unfold",
    "unfold.contrib.filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.idp.oidc",
    # Sign-in *with* the national 职工之家 identity (OIDC relying party): accounts.national.
    "allauth.socialaccount",
    "axes",
    "csp",
    # Project apps
    "core.apps.CoreConfig",
    "portal.apps.PortalSiteConfig",
    "accounts.apps.AccountsConfig",
    "accounts.national.apps.NationalIdentityConfig",
    "regions.apps.RegionsConfig",
    "publishing.apps.PublishingConfig",
    "learning.apps.LearningConfig",
    "hotline.apps.HotlineConfig",
    "jobs.apps.JobsConfig",
    "activities.apps.ActivitiesConfig",
    "datahub.apps.DatahubConfig",
    "aid.apps.AidConfig",
    "honours.apps.HonoursConfig",
    "insights.apps.InsightsConfig",
]

MIDDLEWARE = [
    # First: the client's address from X-Forwarded-For when nginx (a trusted proxy) sent it.
    "core.middleware.ClientAddressMiddleware",
    "core.middleware.RequestLogMiddleware",
    # Django's SecurityMiddleware and XFrameOptionsMiddleware and the Content-Security-Policy
    # (django-csp, relaxed only for the admin and API docs) in one layer (issue 19).
    "core.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's session and common middleware, their usual case made cheap (issue 19).
    "core.middleware.SessionMiddleware",
    # Django's LocaleMiddleware without the per-request look-up of a language in the path.
    "core.middleware.PathlessLocaleMiddleware",
    "core.middleware.PortalCommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # a cached public page for a visitor without a session, before everything that only
    # matters to someone signed in (issue 19); after CSRF, language and session.
    "core.pagecache.AnonymousPageCacheMiddleware",
    # Django's, with request.user resolved once instead of behind a lazy proxy (issue 19).
    "accounts.middleware.AuthenticationMiddleware",
    # notes signed-in users as active for the day in the cache (no query): insights.
    "insights.middleware.DailyActiveMiddleware",
    # Django's, with the message storage made only when a message is read or added.
    "core.middleware.LazyMessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # after authentication and messages: end idle/old sessions, then gate the admin (MFA).
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.StaffMfaMiddleware",
    # members who have not agreed to the current privacy policy agree first (PIPL; no query).
    "accounts.middleware.ConsentGateMiddleware",
    # allauth's rate limits as a Chinese 429, never a 500; outside axes, whose lockout it keeps.
    "accounts.middleware.SignInRateLimitMiddleware",
    # axes' middleware, last: it turns a locked-out login into its lockout response.
    "accounts.middleware.AxesLockoutMiddleware",
]

# core.headers does the work of Django's SecurityMiddleware and XFrameOptionsMiddleware; its
# checks (core.checks) run Django's gated ones and say when neither is installed.
# accounts.middleware.AxesLockoutMiddleware is axes' own, the name axes.W002 looks for aside:
# accounts.checks (accounts.W001) says when neither is installed.
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "axes.W002"]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
                "regions.context_processors.current_region",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{(VAR_DIR / 'db.sqlite3').as_posix()}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
else:
    # WAL lets the demo server read while a seed or a request writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
# >>> scale block (read replica, database router, load-test ceiling) >>>
#: DATABASE_REPLICA_URL: a streaming replica of the primary; pages that read much and
#: tolerate a second of lag read from it (core.db_router.replica_reads), all else the primary.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db_url("DATABASE_REPLICA_URL")
    DATABASES["replica"].setdefault("CONN_MAX_AGE", DATABASES["default"].get("CONN_MAX_AGE", 0))
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
PORTAL_READ_REPLICA = "replica" in DATABASES
DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]
#: BENCH_CEILING=1 serves /bench/ceiling (a constant, no database) for the load test's ceiling.
PORTAL_BENCH_CEILING = env.bool("BENCH_CEILING", default=False)
# <<< scale block <<<
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")


REDIS_CACHE_URL = env.str("REDIS_CACHE_URL", default="") or (
    next_redis_db(REDIS_URL) if REDIS_URL else ""
)

if REDIS_URL:
    CACHES = {
        "default": {
            # Degrades to cache misses (logged) while Redis is down: pages keep serving.
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": "portal",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    # Sessions stay in PostgreSQL and are read from Redis; why the copy's age is bounded:
    # core/sessions.py.
    SESSION_ENGINE = "core.sessions"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
# With acks_late a task that outlives the visibility timeout is redelivered to another
# worker, so the timeout must exceed the longest hard time limit by a margin.
# CELERY_VISIBILITY_TIMEOUT (seconds) is also how long a task whose worker was killed waits
# before another worker gets it; the fault tests set it to a few seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {}
# Tasks are enqueued through the transactional outbox (core.outbox); this sends the rows
# left pending while the broker was down.
CELERY_BEAT_SCHEDULE["portal-outbox-relay"] = {
    "task": "core.tasks.outbox_relay_pending",
    "schedule": 30.0,  # seconds
}

# --- Auth ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# >>> auth block (sign-in, sessions, lockout, MFA) >>>
AUTHENTICATION_BACKENDS = [
    # axes first: it refuses a locked-out user before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's and allauth's backends, reading the signed-in user's row from the cache.
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"phone"}
ACCOUNT_SIGNUP_FIELDS = ["phone*", "password1*", "password2*"]
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours: 15 minutes
# Two independent counters (a list of parameters is OR-ed, axes.W006 satisfied):
# "username" locks the account after 5 failures from anywhere, which stops guessing one
# member's password from many addresses; "ip_address" locks an address that sprays one
# password over many numbers. A factory's shared NAT can trip the IP counter; its workers
# can still sign in by SMS code, which does not pass through axes.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "phone"
# "+86 138…", "138…" and full-width digits are one account: normalised to 11 digits.
AXES_USERNAME_CALLABLE = "accounts.adapters.axes_username"
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
# Renders that template with the real cool-off, and answers JSON callers in Chinese too.
AXES_LOCKOUT_CALLABLE = "accounts.views.auth.lockout_response"
# axes owns password lockout (5 → 15 min); allauth's own failed-login limit stays looser so
# it never pre-empts axes' page, yet still caps TOTP guessing (it keys MFA tries per user).
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,10/900s/key"}
AXES_RESET_ON_SUCCESS = True
SESSION_COOKIE_AGE = 12 * 3600  # absolute limit, also enforced by SessionTimeoutMiddleware
SESSION_IDLE_TIMEOUT = 30 * 60
SESSION_CACHE_SECONDS = 5 * 60  # longest a cached session copy lives (core/sessions.py)
# Sign-up happens only through the SMS code flow (accounts:login_code); allauth's own
# password sign-up is closed in AccountAdapter.is_open_for_signup.
ACCOUNT_FORMS = {
    "login": "accounts.auth_forms.PhoneLoginForm",
    "verify_phone": "accounts.auth_forms.PhoneVerifyForm",
}
# One-time SMS codes (accounts.services.auth), counted from the SmsCode table.
SMS_CODE_TTL_SECONDS = 5 * 60
SMS_CODE_MAX_ATTEMPTS = 5
SMS_CODE_RESEND_INTERVAL_SECONDS = 60
SMS_CODE_PER_NUMBER_PER_HOUR = 5
SMS_CODE_PER_IP_PER_HOUR = 20
# allauth's own SMS codes (phone verification, re-authentication) look like ours: 6 digits.
ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
# A member whose text never arrived can ask again on the confirm-phone page, at most twice
# per sign-in; every resend still passes allauth's "verify_phone" limit (1/30s per number).
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_RESEND = True
ACCOUNT_LOGIN_BY_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "职工之家·河北"
#: Staff must pass TOTP before entering the admin; on outside DEBUG.
PORTAL_STAFF_MFA_REQUIRED = env.bool("STAFF_MFA_REQUIRED", default=not DEBUG)
# <<< auth block <<<

# >>> oidc block (identity provider for other union platforms) >>>
#   OIDC_PRIVATE_KEY  RSA private key (PEM) that signs ID tokens; required unless DEBUG
#                     (checked on first use: discovery, JWKS, token endpoint). In DEBUG
#                     a development key is generated once into OIDC_DEV_KEY_FILE.
#   OIDC_ISSUER       public base URL (https://zgzj.example.cn) when behind a proxy;
#                     default: the request's scheme and host.
#   OIDC_PREVIOUS_PRIVATE_KEYS  the key(s) OIDC_PRIVATE_KEY replaced, PEM blocks one after
#                     another: still published in the JWKS, so tokens signed before a
#                     rotation keep verifying; they never sign (accounts.oidc). README,
#                     "Key rotation".
IDP_OIDC_ADAPTER = "accounts.oidc.OIDCAdapter"
IDP_OIDC_PRIVATE_KEY = env.str("OIDC_PRIVATE_KEY", default="").replace("\\n", "\n")


# allauth's list of keys: the previous ones (verify only); allauth adds the current one.
IDP_OIDC_PRIVATE_KEYS = [
    {"pem": pem}
    for pem in pem_blocks(env.str("OIDC_PREVIOUS_PRIVATE_KEYS", default=""))
    if pem.strip() != IDP_OIDC_PRIVATE_KEY.strip()
]
OIDC_DEV_KEY_FILE = VAR_DIR / "oidc-dev-private-key.pem"
OIDC_ISSUER = env.str("OIDC_ISSUER", default="")
IDP_OIDC_ID_TOKEN_EXPIRES_IN = 5 * 60
IDP_OIDC_ACCESS_TOKEN_EXPIRES_IN = 60 * 60
IDP_OIDC_AUTHORIZATION_CODE_EXPIRES_IN = 60
IDP_OIDC_REFRESH_TOKEN_EXPIRES_IN = 30 * 24 * 3600
# Clients are registered by staff in the admin only.
IDP_OIDC_DCR_ENABLED = False
IDP_OIDC_INTROSPECTION_ENABLED = False
# <<< oidc block <<<

# >>> identity block (real name, ID encryption, member card tokens) >>>
# Read by accounts.crypto and accounts.tokens; the keys are parsed (and a missing one
# reported by its variable name) when first used, so `migrate` or `collectstatic` run
# without them.
#: "key_id:base64-32-bytes,…", the first is current (AES-256-GCM for the ID number).
ID_NUMBER_KEYS = env.str("ID_NUMBER_KEYS", default="")
#: base64 key of the HMAC-SHA256 index of ID numbers (duplicates found without decrypting).
ID_NUMBER_HASH_KEY = env.str("ID_NUMBER_HASH_KEY", default="")
#: base64 of the raw 32-byte Ed25519 private key that signs wallet QR tokens.
CARD_SIGNING_KEY = env.str("CARD_SIGNING_KEY", default="")
CARD_TOKEN_TTL_SECONDS = env.int("CARD_TOKEN_TTL_SECONDS", default=300)
#: Unset keys are derived from SECRET_KEY only in development and in tests (tests/env.py
#: turns this on, as they run with DEBUG off); anywhere else a missing key is an error
#: naming its variable.
IDENTITY_DEV_KEYS = env.bool("IDENTITY_DEV_KEYS", default=DEBUG)
# <<< identity block <<<

# --- I18N ----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Hashed, compressed files need `collectstatic` first; development and tests render pages
# without it (STATIC_MANIFEST=false).
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST

# --- Security ------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
# >>> hardening block (HSTS, HTTPS redirect, CSP, rate limits, audit retention) >>>
#   SECURE_SSL_REDIRECT   on unless DEBUG: plain http is redirected (behind the proxy, whose
#                         X-Forwarded-Proto says https); /healthz stays reachable over http.
#   SECURE_HSTS_SECONDS   one year unless DEBUG; 0 turns HSTS off.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
from csp.constants import NONE, SELF, UNSAFE_EVAL, UNSAFE_INLINE  # noqa: E402

# No inline script anywhere (JS lives in static/js/); no asset from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    }
}
#: Path prefix → directives replaced there. unfold's Alpine.js evaluates x-data expressions
#: (eval) and its templates use style attributes; Swagger UI has an inline <style>.
#: Inline scripts stay forbidden on these pages too.
PORTAL_CSP_RELAXED = {
    "/admin/": {
        "script-src": [SELF, UNSAFE_EVAL],
        "style-src": [SELF, UNSAFE_INLINE],
    },
    "/api/docs/": {"style-src": [SELF, UNSAFE_INLINE]},
}
#: scope → (attempts, seconds) per signed-in user (or per address), see core.security.
PORTAL_RATE_LIMITS = {
    "hotline.submit": (10, 3600),
    "activities.claim": (20, 600),
    "aid.submit": (10, 3600),
    "push.subscribe": (30, 3600),
}
#: Audit entries are kept at least this long; the nightly task deletes only older ones.
PORTAL_AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)
CELERY_BEAT_SCHEDULE["portal-audit-prune"] = {
    "task": "core.tasks.audit_log_prune",
    "schedule": 24 * 3600.0,
}
# <<< hardening block <<<

# --- REST framework ------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StandardPagination",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "职工之家·河北 API",
    "DESCRIPTION": "河北省总工会“职工之家·河北”门户的开放接口。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Admin (unfold) ------------------------------------------------------------------------
UNFOLD = {
    "SITE_TITLE": "职工之家·河北 管理后台",
    "SITE_HEADER": "职工之家·河北",
    "SITE_SYMBOL": "home",
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": True,
}

# --- Logging: structured JSON to stdout ----------------------------------------------------
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = logging_config(level=LOG_LEVEL, fmt=LOG_FORMAT)

# --- SMS: a pluggable backend (see core.sms) ---------------------------------------------
SMS_BACKEND = env.str("SMS_BACKEND", default="core.sms.backends.console.SmsBackend")
SMS_FILE_PATH = env.str("SMS_FILE_PATH", default=str(VAR_DIR / "sms.jsonl"))
# A provider (core.sms.backends.aliyun / .tencent) sends approved templates under a sign name.
SMS_SIGN_NAME = env.str("SMS_SIGN_NAME", default="")
SMS_TEMPLATE_CODE = env.str("SMS_TEMPLATE_CODE", default="")
SMS_TEMPLATE_NOTICE = env.str("SMS_TEMPLATE_NOTICE", default="")
SMS_TIMEOUT_SECONDS = env.float("SMS_TIMEOUT_SECONDS", default=10.0)
SMS_ALIYUN_ACCESS_KEY_ID = env.str("SMS_ALIYUN_ACCESS_KEY_ID", default="")
SMS_ALIYUN_ACCESS_KEY_SECRET = env.str("SMS_ALIYUN_ACCESS_KEY_SECRET", default="")
SMS_ALIYUN_ENDPOINT = env.str("SMS_ALIYUN_ENDPOINT", default="https://dysmsapi.aliyuncs.com")
SMS_TENCENT_SECRET_ID = env.str("SMS_TENCENT_SECRET_ID", default="")
SMS_TENCENT_SECRET_KEY = env.str("SMS_TENCENT_SECRET_KEY", default="")
SMS_TENCENT_SDK_APP_ID = env.str("SMS_TENCENT_SDK_APP_ID", default="")
SMS_TENCENT_REGION = env.str("SMS_TENCENT_REGION", default="ap-guangzhou")
SMS_TENCENT_ENDPOINT = env.str("SMS_TENCENT_ENDPOINT", default="https://sms.tencentcloudapi.com")

# --- Portal --------------------------------------------------------------------------------
PORTAL_HOTLINE_NUMBER = "12351"
PORTAL_DEFAULT_REGION_CODE = "130000"
#: Versions of the texts members agree to; raising one asks everyone to agree again.
PORTAL_CONSENT_VERSIONS = {"privacy_policy": "2026-11", "id_number": "2026-11"}
REGIONS_DATA_FILE = BASE_DIR / "regions" / "data" / "hebei_regions.csv"

# Feature apps' blocks (regions, activities, hotline, aid, learning, jobs, insights).
from portal.settings_features import *  # noqa: E402,F403
from portal.settings_features import (  # noqa: E402
    FEATURE_BEAT_SCHEDULE,
    FEATURE_ENUM_NAME_OVERRIDES,
)

CELERY_BEAT_SCHEDULE.update(FEATURE_BEAT_SCHEDULE)
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(FEATURE_ENUM_NAME_OVERRIDES)
