"""Typical cases: a resolved request becomes an anonymised article draft, submitted through
the regions workflow (an editor reviews and publishes it on the region's page)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import escape
from django.utils.translation import gettext as _

from accounts.models import DigitalIdentity, Membership
from hotline.models import HotlineRequest, RequestMessage, State
from publishing.services.articles import article_create, article_submit
from regions.models import Article

_ID_NUMBER = re.compile(
    r"(?<![0-9])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[0-9Xx](?![0-9])"
)
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?![0-9])")
_LANDLINE = re.compile(r"(?<![0-9])0\d{2,3}-?\d{7,8}(?![0-9])")
#: An employer named in the text: "石家庄某某装备制造有限公司", "廊坊顺达物流", "XX厂".
_EMPLOYER = re.compile(
    r"[\u4e00-\u9fa5A-Za-z0-9（）()]{2,30}?"
    r"(?:股份有限公司|有限责任公司|有限公司|集团|公司|工厂|厂|商行|物流|快递|站点|门店|酒店|医院)"
)
#: A street address down to the house number or the residential compound.
_ADDRESS = re.compile(
    r"[\u4e00-\u9fa50-9]{0,20}?(?:路|街|大道|巷|胡同|村|小区|社区)[\u4e00-\u9fa50-9\-号栋楼单元室]{0,15}?(?:号院|号楼|号|室|栋|单元)"
)
_FULL_NAME_HINT = re.compile(r"(?:我叫|本人|姓名[:：]?|名叫)([\u4e00-\u9fa5]{2,3})")
#: Common surnames used to catch "X师傅", "X经理", "X某" style names.
_TITLED = re.compile(
    r"[王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文]"
    r"(?:师傅|经理|主任|老板|总|工|大姐|大哥|某某|某)"
)


def case_scrub(text: str, *, names: list[str] = (), employers: list[str] = ()) -> str:
    """``text`` with personal data replaced: ID numbers, mobile and landline numbers,
    addresses, employers (known and recognised) and names (known, introduced, titled)."""
    text = _ID_NUMBER.sub("[身份证号]", text or "")
    text = _MOBILE.sub("[电话]", text)
    text = _LANDLINE.sub("[电话]", text)
    for employer in sorted({e for e in employers if e and len(e) >= 2}, key=len, reverse=True):
        text = text.replace(employer, "某单位")
    text = _EMPLOYER.sub("某单位", text)
    text = _ADDRESS.sub("[地址]", text)
    for name in sorted({n for n in names if n and len(n) >= 2}, key=len, reverse=True):
        text = text.replace(name, f"{name[0]}某")
    text = _FULL_NAME_HINT.sub(lambda m: m.group(0).replace(m.group(1), m.group(1)[0] + "某"), text)
    text = _TITLED.sub(lambda m: m.group(0)[0] + "某", text)
    return text


def _known_personal(request: HotlineRequest) -> tuple[list[str], list[str]]:
    names = [request.caller_name]
    employers: list[str] = []
    member = request.member
    if member is not None:
        names.append(member.display_name)
        names += list(
            DigitalIdentity.objects.filter(user=member).values_list("real_name", flat=True)
        )

        employers += list(Membership.objects.filter(user=member).values_list("employer", flat=True))
    return [n for n in names if n], employers


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{escape(line)}</p>" for line in text.splitlines() if line.strip())


@transaction.atomic
def hotline_case_create(*, actor: Any, request: HotlineRequest) -> Article:
    """An anonymised typical-case draft from a resolved request, submitted for review.

    Preconditions: the request is resolved or closed and has no case yet; the actor may
    publish content in the request's region (``publishing.services.articles`` checks).
    Side effects: an Article (kind "case") created and submitted; linked on the request.
    """
    request = (
        HotlineRequest.objects.select_for_update(of=("self",))
        .select_related("region", "member")
        .get(pk=request.pk)
    )
    if request.state not in (State.RESOLVED, State.CLOSED):
        raise ValidationError(_("只有已办结的诉求可以整理为典型案例。"))
    if request.case_article_id is not None:
        raise ValidationError(_("这条诉求已经整理过典型案例。"))
    names, employers = _known_personal(request)
    answers = list(
        request.messages.filter(kind=RequestMessage.Kind.REPLY).values_list("body", flat=True)
    )
    scrub = lambda text: case_scrub(text, names=names, employers=employers)  # noqa: E731
    body = (
        f"<h3>{escape(_('职工诉求'))}</h3>{_paragraphs(scrub(request.description))}"
        f"<h3>{escape(_('工会答复与办理'))}</h3>"
        + "".join(_paragraphs(scrub(answer)) for answer in answers)
    )
    article = article_create(
        actor=actor,
        region=request.region,
        kind=Article.Kind.CASE,
        title=scrub(f"{request.get_topic_display()}：{request.title}")[:120],
        summary=_("12351职工服务热线典型案例（已隐去个人信息）"),
        tags=["12351", request.get_topic_display()],
        body=body,
    )
    article = article_submit(actor=actor, article=article)
    request.case_article = article
    request.save(update_fields=["case_article"])
    return article
