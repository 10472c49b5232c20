"""The access rules of every URL of the site: which roles may see a page, which path
parameters fill it, and the walk over the URL configuration that finds every pattern
(``tests/portal/test_access_urls.py`` checks them)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

ROLES = [
    "anonymous",
    "member",
    "other_member",
    "officer_other_union",
    "editor_other_city",
    "agent_other_region",
    "employer",
    "province_admin",
]
PHONES = {
    "member": "13800000001",  # 王伟, 石家庄
    "other_member": "13800000003",  # 刘鸿, 石家庄, another person
    "officer_other_union": "13900000004",  # 周建华, officer of 三河市总工会
    "editor_other_city": "13900000003",  # 孙丽, editor of 廊坊市
    "agent_other_region": "13900000099",  # made here: hotline agent of 邢台市
    "employer": "13700000103",  # 石家庄冀星装备制造有限公司's recruiter
    "province_admin": "13900000001",
}
# Unique stand-ins for the owners' names, so a hit is a leak and not a common name.
SECRET_NAMES = {
    "13800000001": ("王伟隐私甲", "王伟实名甲"),
    "13800000002": ("李师傅隐私乙", "李建军实名乙"),
    "13800000003": ("刘鸿隐私丙", "刘鸿实名丙"),
}


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = pattern.name
            full = f"{namespace}:{name}" if namespace and name else name
            yield prefix + str(pattern.pattern), full, pattern


def all_patterns() -> list[tuple[str, str | None, URLPattern]]:
    # allauth's unnamed legacy redirects (auth/social/…) only point at its named pages.
    return [p for p in _walk(get_resolver().url_patterns) if not p[0].startswith(FLOW_ROUTES)]


# --- Rules -----------------------------------------------------------------------------------
# public   every role gets the page (or a redirect / 405); nobody sees an owner's data in it
# login    anonymous is sent to sign in (API: 401/403); signed-in users get their own page
# owner    filled with the owner's object: the owner gets it, everyone else a 404 (anonymous:
#          sign-in), and a POST by anyone else changes nothing (404/403/405)
# staff    staff work: anonymous and members are refused (redirect/403/404)
# flow     allauth and OIDC protocol endpoints: answer without a server error


@dataclass(frozen=True)
class Rule:
    kind: str
    params: str | None = None  # key into the parameter table
    may_see: frozenset[str] = field(default_factory=frozenset)  # roles allowed the owner's data


def R(kind: str, params: str | None = None, may_see: tuple[str, ...] = ()) -> Rule:
    return Rule(kind, params, frozenset(may_see))


RULES: dict[str, Rule] = {
    "home": R("public"),
    "healthz": R("public"),
    "large_text_toggle": R("public"),
    "pwa_manifest": R("public"),
    "pwa_service_worker": R("public"),
    "pwa_offline": R("public"),
    "api-schema": R("public"),
    "api-docs": R("public"),
    "sitemap": R("public"),
    "region-feed-rss": R("public", "region_code"),
    "region-feed-atom": R("public", "region_code"),
    # --- API ---
    "article-list": R("public"),
    "region-list": R("public"),
    "region-detail": R("public", "region_code"),
    "card-verify": R("public"),
    "card-public-key": R("public"),
    "membership-status": R("login"),
    "membership-application-create": R("login"),
    "membership-application-withdraw": R("owner", "wang_application"),
    "membership-transfer-create": R("login"),
    "membership-transfer-withdraw": R("owner", "li_transfer"),
    "me": R("login"),
    "me-export": R("login"),
    "hotline-request-list": R("login"),
    "hotline-request-detail": R("owner", "wang_hotline"),
    "hotline-request-message": R("owner", "wang_hotline"),
    "learning-course-list": R("public"),
    "learning-course-detail": R("public", "course"),
    "learning-course-enroll": R("login", "course"),
    "learning-enrollment-list": R("login"),
    "learning-lesson-complete": R("owner", "wang_enrollment"),
    "learning-practice-next": R("login"),
    "learning-practice-answer": R("login"),
    "learning-attempt-start": R("login", "paper"),
    "learning-attempt-detail": R("owner", "wang_attempt"),
    "learning-attempt-answers": R("owner", "wang_attempt"),
    "learning-attempt-submit": R("owner", "wang_attempt"),
    "job-list": R("public"),
    "job-detail": R("public", "job"),
    "my-resume": R("login"),
    "my-recommendations": R("login"),
    "my-applications": R("login"),
    "application-create": R("login"),
    "my-application-detail": R("owner", "li_application"),
    "activity-signup": R("login", "activity"),
    "my-activity-signups": R("login"),
    "activity-signup-cancel": R("owner", "wang_signup"),
    "campaign-claim": R("login", "campaign"),
    "my-vouchers": R("login"),
    "my-points": R("login"),
    "my-points-ledger": R("login"),
    "mall-redeem": R("login", "mall_item"),
    "my-mall-orders": R("login"),
    "honour-list": R("public"),
    "honour-detail": R("public", "honour"),
    "aid-hardship-list": R("login"),
    "aid-hardship-detail": R("owner", "wang_hardship"),
    "aid-plan-list": R("public"),
    "aid-enrolment-list": R("login"),
    "aid-enrolment-detail": R("owner", "wang_enrolment_aid"),
    "aid-claim-create": R("owner", "wang_enrolment_aid"),
    "aid-claim-detail": R("owner", "wang_claim"),
    "activity-list": R("public"),
    "activity-detail": R("public", "activity"),
    "mall-item-list": R("public"),
    "mall-item-detail": R("public", "mall_item"),
    # --- OIDC provider ---
    "idp:oidc:configuration": R("public"),
    "idp:oidc:jwks": R("public"),
    "idp:oidc:authorization": R("flow"),
    "idp:oidc:token": R("flow"),
    "idp:oidc:userinfo": R("flow"),
    "idp:oidc:revoke": R("flow"),
    "idp:oidc:logout": R("flow"),
    "idp:oidc:device_code": R("flow"),
    "idp:oidc:device_authorization": R("flow"),
    # --- accounts ---
    "accounts:login_code": R("flow"),
    "accounts:login_code_confirm": R("flow"),
    "accounts:privacy_policy": R("public"),
    "accounts:identity": R("login"),
    "accounts:identity_reveal": R("login"),
    "accounts:card": R("login"),
    "accounts:wallet": R("login"),
    "accounts:wallet_detail": R("owner", "wang_credential"),
    "accounts:credential_qr": R("owner", "wang_credential"),
    "accounts:credential_verify": R("public"),
    "accounts:membership": R("login"),
    "accounts:membership_apply": R("login"),
    "accounts:membership_transfer": R("login"),
    "accounts:membership_application_withdraw": R("owner", "wang_application"),
    "accounts:membership_transfer_withdraw": R("owner", "li_transfer"),
    "accounts:me": R("login"),
    "accounts:me_privacy": R("login"),
    "accounts:me_data_export": R("login"),
    "accounts:consent": R("login"),
    "accounts:notices": R("login"),
    "accounts:notices_read": R("login"),
    "accounts:push_subscribe": R("login"),
    "accounts:push_unsubscribe": R("login"),
    # --- learning ---
    "learning:index": R("public"),
    "learning:me": R("login"),
    "learning:course_detail": R("public", "course"),
    "learning:course_enroll": R("login", "course"),
    "learning:course_continue": R("login", "course"),
    "learning:lesson_detail": R("login", "lesson"),
    "learning:lesson_complete": R("login", "lesson"),
    "learning:practice": R("public"),  # the topics; practising itself needs sign-in
    "learning:practice_question": R("login"),
    "learning:papers": R("public"),
    "learning:paper_detail": R("public", "paper"),
    "learning:paper_start": R("login", "paper"),
    "learning:attempt": R("owner", "wang_attempt"),
    "learning:attempt_result": R("owner", "wang_attempt"),
    "learning:competitions": R("public"),
    # Entrants' names on a competition page and leaderboard are published results.
    "learning:competition_detail": R("public", "competition", may_see=("*",)),
    "learning:competition_register": R("login", "competition"),
    "learning:round_start": R("login", "round"),
    "learning:leaderboard": R("public", "competition", may_see=("*",)),
    # --- hotline ---
    "hotline:index": R("public"),
    "hotline:suggestions": R("public"),
    "hotline:request_detail": R("owner", "wang_hotline"),
    "hotline:request_add_info": R("owner", "wang_hotline"),
    "hotline:request_rate": R("owner", "wang_hotline"),
    "hotline:request_confirm": R("owner", "wang_hotline"),
    "hotline:request_reopen": R("owner", "wang_hotline"),
    "hotline:request_book": R("owner", "wang_hotline"),
    "hotline:booking_cancel": R("owner", "liu_booking"),
    "hotline:attachment_download": R("owner", "wang_attachment"),
    # --- jobs ---
    "jobs:index": R("public"),
    "jobs:post_detail": R("public", "job"),
    "jobs:region_posts": R("public", "region_code"),
    "jobs:post_apply": R("login", "job"),
    "jobs:resume_edit": R("login"),
    "jobs:recommendations": R("login"),
    "jobs:application_list": R("login"),
    "jobs:application_detail": R("owner", "li_application"),
    "jobs:application_withdraw": R("owner", "li_application"),
    "jobs:manage_applications": R("login"),
    # Employers' and editors' desk: their own posts, résumés open to employers.
    "jobs:manage_posts": R("login"),
    "jobs:manage_post_new": R("login"),
    "jobs:manage_post_edit": R("staff", "job"),
    "jobs:manage_post_action": R("staff", "job"),
    "jobs:manage_resumes": R("login"),
    # 李师傅 opened his résumé to employers (visibility "employers") and lives in 廊坊.
    "jobs:manage_resume": R("owner", "li_resume", may_see=("employer", "editor_other_city")),
    # The employer the member applied to sees the application; no other employer does.
    # 李师傅 applied to a 廊坊 post: 廊坊's city editor moderates 廊坊's posts (jobs.moderate).
    "jobs:manage_application": R("owner", "li_application", may_see=("editor_other_city",)),
    # --- activities ---
    "activities:index": R("public"),
    "activities:activity_detail": R("public", "activity"),
    "activities:activity_signup": R("login", "activity"),
    "activities:signup_cancel": R("owner", "wang_signup"),
    "activities:my_signups": R("login"),
    "activities:campaign_detail": R("public", "campaign"),
    "activities:campaign_claim": R("login", "campaign"),
    "activities:my_vouchers": R("login"),
    "activities:my_points": R("login"),
    "activities:mall": R("public"),
    "activities:mall_item": R("public", "mall_item"),
    "activities:mall_redeem": R("login", "mall_item"),
    "activities:my_orders": R("login"),
    "activities:order_cancel": R("owner", "wang_order"),
    "activities:region_block": R("public", "region_code"),
    "activities:staff_scan": R("staff"),
    # A city editor manages her region's benefits and exports their claims (audited).
    "activities:staff_claims_csv": R("staff", may_see=("editor_other_city",)),
    "activities:staff_orders_csv": R("staff"),
    # --- aid (困难职工帮扶, 职工互助保障) ---
    # --- honours (劳模工匠) ---
    "honours:list": R("public"),
    "honours:region": R("public", "region_slugs"),
    "honours:detail": R("public", "honour"),
    "honours:mine": R("login"),
    "honours:consent": R("owner", "wang_honour"),
    "aid:index": R("public"),
    "aid:hardship_apply": R("login"),
    "aid:hardship_detail": R("owner", "wang_hardship"),
    "aid:hardship_withdraw": R("owner", "wang_hardship"),
    "aid:hardship_document": R("owner", "wang_hardship_document"),
    "aid:plan_detail": R("public", "aid_plan"),
    "aid:plan_enrol": R("login", "aid_plan"),
    "aid:enrolment_detail": R("owner", "wang_enrolment_aid"),
    "aid:enrolment_claim": R("owner", "wang_enrolment_aid"),
    "aid:enrolment_cancel": R("owner", "wang_enrolment_aid"),
    "aid:claim_detail": R("owner", "wang_claim"),
    "aid:claim_document": R("owner", "wang_claim_document"),
    # --- regions ---
    "publishing:choose": R("public"),
    "publishing:set_current": R("public"),
    "publishing:entry": R("public"),
    "publishing:locate": R("public"),
    "publishing:article_list": R("public"),
    "publishing:article_detail": R("public", "article"),
    "publishing:article_preview": R("staff", "article"),
    "publishing:detail": R("public", "region_slugs"),
    # --- insights (indicators for union staff, their region subtree) ---
    "insights-indicators": R("staff"),
    "insights-facts": R("staff"),
    "insights:dashboard": R("staff"),
    "insights:export": R("staff"),
    "insights:dictionary": R("staff"),
    "insights:screen_home": R("staff"),
    "insights:screen": R("staff", "sjz_code"),
    "insights:screen_panel": R("staff", "sjz_code"),
    # --- datahub (roster imports by union staff; member exchange for partner systems) ---
    "datahub:import_list": R("staff"),
    "datahub:work_database_list": R("staff"),
    "datahub:import_detail": R("staff", "datahub_import"),
    "datahub:import_progress": R("staff", "datahub_import"),
    "datahub:import_report": R("staff", "datahub_report"),
    "exchange-members": R("staff"),
    "exchange-members-push": R("staff"),
    "exchange-changes": R("staff"),
}
# allauth's own pages (sign-in, sign-up, password, phone, 2FA, third-party sign-in) and the
# national sign-in (accounts.national, tested per role in tests/accounts/national): flows.
FLOW_PREFIXES = ("account_", "mfa_", "socialaccount_", "acftu_")
#: allauth's legacy redirects to its third-party pages, which have no name.
FLOW_ROUTES = ("auth/social/",)


def rule_for(name: str | None, route: str) -> Rule | None:
    if route.startswith("admin/"):
        return R("admin")
    if name is None:
        return None
    if name in RULES:
        return RULES[name]
    if name.startswith(FLOW_PREFIXES):
        return R("flow", "allauth_key" if "(?P<" in route else None)
    return None
