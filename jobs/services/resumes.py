"""The member's résumé: one per member, edited on a phone, matched after every save."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from core.outbox import outbox_enqueue
from jobs.match_docs import resume_doc
from jobs.matching import resume_missing_fields
from jobs.models import Education, EmploymentType, Resume
from jobs.occupation_map import resume_occupations_fill
from jobs.services.posts import _clean_list
from regions.models import Region
from regions.selectors import region_tree

RESUME_FIELDS = (
    "region",
    "desired_titles",
    "desired_city_codes",
    "expected_pay",
    "employment_types",
    "skills",
    "certificates",
    "work_history",
    "experience_years",
    "education",
    "summary",
    "visibility",
)


def _clean_history(rows: Any) -> list[dict]:
    history = []
    for row in rows or ():
        if not isinstance(row, dict):
            raise ValidationError({"work_history": _("工作经历格式不正确。")})
        title = str(row.get("title") or "").strip()[:30]
        if not title:
            continue
        try:
            years = int(row.get("years") or 0)
        except (TypeError, ValueError) as exc:
            raise ValidationError({"work_history": _("工作年限应为整数。")}) from exc
        if not 0 <= years <= 50:
            raise ValidationError({"work_history": _("工作年限应在0到50之间。")})
        history.append(
            {"title": title, "employer": str(row.get("employer") or "")[:60], "years": years}
        )
    return history[:10]


def _validate(data: dict[str, Any]) -> dict[str, Any]:
    tree = region_tree()
    cities = []
    for code in data.get("desired_city_codes") or ():
        node = tree.get(str(code))
        if node is None or node.level != Region.Level.CITY:
            raise ValidationError({"desired_city_codes": _("期望城市无效。")})
        if node.code not in cities:
            cities.append(node.code)
    region = data.get("region")
    if region is not None and (
        not isinstance(region, Region)
        or region.level not in (Region.Level.CITY, Region.Level.COUNTY)
    ):
        raise ValidationError({"region": _("现居地请选择市或县（市、区）。")})
    pay = data.get("expected_pay")
    if pay in ("", None):
        pay = None
    else:
        try:
            pay = int(pay)
        except (TypeError, ValueError) as exc:
            raise ValidationError({"expected_pay": _("期望月薪应为整数（元）。")}) from exc
        if not 500 <= pay <= 200000:
            raise ValidationError({"expected_pay": _("期望月薪应在500到200000元之间。")})
    types = _clean_list(data.get("employment_types"))
    if any(t not in EmploymentType.values for t in types):
        raise ValidationError({"employment_types": _("用工形式应为全职、兼职或灵活用工。")})
    if data.get("education", Education.ANY) not in Education.values:
        raise ValidationError({"education": _("学历无效。")})
    if data.get("visibility", Resume.Visibility.ON_APPLY) not in Resume.Visibility.values:
        raise ValidationError({"visibility": _("公开范围无效。")})
    try:
        experience = int(data.get("experience_years") or 0)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"experience_years": _("工作年限应为整数。")}) from exc
    if not 0 <= experience <= 50:
        raise ValidationError({"experience_years": _("工作年限应在0到50之间。")})
    return {
        "region": region,
        "desired_titles": _clean_list(data.get("desired_titles"), limit=5),
        "desired_city_codes": cities[:5],
        "expected_pay": pay,
        "employment_types": types,
        "skills": _clean_list(data.get("skills")),
        "certificates": _clean_list(data.get("certificates"), certificate=True),
        "work_history": _clean_history(data.get("work_history")),
        "experience_years": experience,
        "education": data.get("education", Education.ANY),
        "summary": str(data.get("summary") or "")[:1000],
        "visibility": data.get("visibility", Resume.Visibility.ON_APPLY),
    }


@transaction.atomic
def resume_save(*, user: Any, **data: Any) -> Resume:
    """Create or update the member's résumé (fields not given keep their value).

    Side effects: the revision is raised; a résumé with enough to match on is marked
    "匹配中" and matched by a worker after commit, one that lacks it says what is missing.
    """
    resume, _created = Resume.objects.select_for_update().get_or_create(user=user)
    merged = {name: getattr(resume, name) for name in RESUME_FIELDS}
    merged.update({k: v for k, v in data.items() if k in RESUME_FIELDS})
    for name, value in _validate(merged).items():
        setattr(resume, name, value)
    resume_occupations_fill(resume)
    missing = resume_missing_fields(resume_doc(resume))
    resume.match_missing = missing
    resume.match_state = Resume.MatchState.INCOMPLETE if missing else Resume.MatchState.PENDING
    resume.revision = F("revision") + 1
    resume.save(
        update_fields=[
            *RESUME_FIELDS,
            "occupations",
            "occupation_source",
            "match_missing",
            "match_state",
            "revision",
            "updated_at",
        ]
    )
    resume.refresh_from_db(fields=["revision"])
    if missing:
        resume.matches.all().delete()
    else:
        outbox_enqueue(
            "jobs.tasks.match_resume",
            args=[resume.pk, resume.revision],
            key=f"jobs.match_resume:{resume.pk}:{resume.revision}",
        )
    return resume
