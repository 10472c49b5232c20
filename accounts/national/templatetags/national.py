from django import template

from accounts.national.selectors import national_account_for_user, national_idp_configured

register = template.Library()


@register.inclusion_tag("national/_login_button.html", takes_context=True)
def national_login_button(context, next_url: str = "") -> dict:
    """The 「使用全国总工会职工之家账号登录」 button, only when an operator configured it."""
    return {
        "enabled": national_idp_configured(),
        "next_url": next_url,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("national/_account_panel.html", takes_context=True)
def national_account_panel(context) -> dict:
    """The member's link to the national platform, with 关联 or 解除关联."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "enabled": national_idp_configured(),
        "account": national_account_for_user(user=user),
        "csrf_token": context.get("csrf_token"),
        "here": request.get_full_path() if request else "",
    }
