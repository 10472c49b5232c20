"""The report's reasons, in one place for both import paths (SQL and row by row).

Placeholders are ``{name}`` so the set-based path can fill them with SQL ``replace()``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _


def import_messages() -> dict[str, str]:
    return {
        "region_unknown": _("地区代码“{code}”不存在。"),
        "region_out_of_scope": _("地区“{region}”不在本批次的归集范围（{scope}）内。"),
        "union_unknown": _("工会“{union}”不存在，请核对名称或先在系统中建立该工会。"),
        "union_ambiguous": _("有多个名为“{union}”的工会，无法确定是哪一个，请联系上级工会核对。"),
        "union_not_joinable": _("“{union}”不直接接收会员，请填写基层工会、联合工会或行业工会。"),
        "union_out_of_scope": _("工会“{union}”不在本批次的归集范围（{scope}）内。"),
        "dup_id": _("与第{line}行身份证号相同（同一人重复出现），已按第{line}行处理。"),
        "dup_phone": _("手机号与第{line}行相同，但身份证号不同，请核对。"),
        "phone_conflict": _("手机号已登记在另一位会员名下，与身份证号对应的会员不一致，请核对。"),
        "phone_taken": _("手机号已被另一位已实名的会员使用（身份证号不同），请核对。"),
        "note_identity": _("按手机号匹配到已有账号，补充实名信息"),
        "note_membership": _("加入{union}"),
        "note_name": _("补充姓名"),
        "note_membership_kept": _("已有有效会籍（{union}），会籍未变更"),
        "note_same": _("与系统中的信息一致"),
    }


def fill(template: str, **values: object) -> str:
    for key, value in values.items():
        template = template.replace("{" + key + "}", str(value))
    return template
