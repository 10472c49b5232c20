from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import FastSelect
from jobs.models import Education, EmploymentType, Resume
from regions.models import Region

_LIST_HELP = _("多个请用逗号或顿号分隔")


class JobSearchForm(forms.Form):
    q = forms.CharField(label=_("关键词"), max_length=100, required=False)
    region = forms.CharField(label=_("地区代码"), max_length=6, required=False)
    pay = forms.IntegerField(label=_("月薪不低于"), min_value=0, max_value=200000, required=False)
    type = forms.ChoiceField(
        label=_("用工形式"), choices=[("", _("不限")), *EmploymentType.choices], required=False
    )

    def clean_region(self) -> str:
        code = self.cleaned_data["region"].strip()
        if code and not Region.objects.filter(code=code).exists():
            raise forms.ValidationError(_("地区无效。"))
        return code


def _cities():
    return Region.objects.filter(
        level=Region.Level.CITY, path__startswith="100000/130000/"
    ).order_by("code")


class ResumeForm(forms.Form):
    desired_titles = forms.CharField(
        label=_("期望职位"), max_length=200, required=False, help_text=_LIST_HELP
    )
    desired_city_codes = forms.MultipleChoiceField(
        label=_("期望城市"), required=False, widget=forms.CheckboxSelectMultiple
    )
    region = forms.ModelChoiceField(
        label=_("现居地（县、市、区）"),
        queryset=Region.objects.none(),
        required=False,
        widget=FastSelect,
    )
    expected_pay = forms.IntegerField(
        label=_("期望月薪（元）"), min_value=500, max_value=200000, required=False
    )
    employment_types = forms.MultipleChoiceField(
        label=_("期望用工形式"),
        choices=EmploymentType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    skills = forms.CharField(label=_("技能"), max_length=300, required=False, help_text=_LIST_HELP)
    certificates = forms.CharField(
        label=_("证书（如B2驾驶证、叉车证、电工证、焊工证）"),
        max_length=300,
        required=False,
        help_text=_LIST_HELP,
    )
    history_title = forms.CharField(label=_("最近的工作（职位）"), max_length=30, required=False)
    history_employer = forms.CharField(label=_("最近的工作单位"), max_length=60, required=False)
    history_years = forms.IntegerField(
        label=_("做了几年"), min_value=0, max_value=50, required=False
    )
    experience_years = forms.IntegerField(
        label=_("总工作年限"), min_value=0, max_value=50, required=False
    )
    education = forms.ChoiceField(label=_("学历"), choices=Education.choices)
    summary = forms.CharField(
        label=_("自我介绍"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    visibility = forms.ChoiceField(
        label=_("公开范围"), choices=Resume.Visibility.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desired_city_codes"].choices = [(c.code, c.name) for c in _cities()]
        self.fields["region"].queryset = Region.objects.filter(
            path__startswith="100000/130000/", level__in=[Region.Level.CITY, Region.Level.COUNTY]
        ).order_by("code")

    @staticmethod
    def initial_for(resume: Resume | None) -> dict:
        if resume is None:
            return {"education": Education.ANY, "visibility": Resume.Visibility.ON_APPLY}
        history = resume.work_history[0] if resume.work_history else {}
        return {
            "desired_titles": "、".join(resume.desired_titles),
            "desired_city_codes": resume.desired_city_codes,
            "region": resume.region_id,
            "expected_pay": resume.expected_pay,
            "employment_types": resume.employment_types,
            "skills": "、".join(resume.skills),
            "certificates": "、".join(resume.certificates),
            "history_title": history.get("title", ""),
            "history_employer": history.get("employer", ""),
            "history_years": history.get("years"),
            "experience_years": resume.experience_years,
            "education": resume.education,
            "summary": resume.summary,
            "visibility": resume.visibility,
        }

    def service_data(self, resume: Resume | None) -> dict:
        data = dict(self.cleaned_data)
        history = list(resume.work_history[1:]) if resume else []
        if data.get("history_title"):
            history.insert(
                0,
                {
                    "title": data["history_title"],
                    "employer": data.get("history_employer", ""),
                    "years": data.get("history_years") or 0,
                },
            )
        for key in ("history_title", "history_employer", "history_years"):
            data.pop(key, None)
        data["work_history"] = history
        data["experience_years"] = data.get("experience_years") or 0
        return data


class InterviewForm(forms.Form):
    at = forms.DateTimeField(
        label=_("面试时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_("面试地点"), max_length=200)
    contact = forms.CharField(label=_("联系人及电话"), max_length=100)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("offer", _("录用")), ("reject", _("不合适"))])
    note = forms.CharField(label=_("备注"), max_length=300, required=False)


def _hebei_places():
    return Region.objects.filter(
        path__startswith="100000/130000/", level__in=[Region.Level.CITY, Region.Level.COUNTY]
    ).order_by("code")


class JobPostForm(forms.Form):
    """A job post as an employer (or union staff on its behalf) fills it in on a phone.

    Only shapes are checked here; the rules (pay order, validity, who may post for whom)
    are the service's, whose Chinese messages the view puts on the fields."""

    employer = forms.ModelChoiceField(label=_("用人单位"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("岗位名称"), max_length=60)
    region = forms.ModelChoiceField(
        label=_("工作地点（市或县、市、区）"), queryset=None, widget=FastSelect
    )
    pay_min = forms.IntegerField(label=_("月薪下限（元）"), min_value=1, max_value=1000000)
    pay_max = forms.IntegerField(label=_("月薪上限（元）"), min_value=1, max_value=1000000)
    employment_type = forms.ChoiceField(label=_("用工形式"), choices=EmploymentType.choices)
    headcount = forms.IntegerField(label=_("招聘人数"), min_value=1, max_value=10000, initial=1)
    experience_years = forms.IntegerField(
        label=_("最低工作年限"), min_value=0, max_value=50, initial=0
    )
    education = forms.ChoiceField(label=_("最低学历"), choices=Education.choices)
    certificates = forms.CharField(
        label=_("必备证书（如B2驾驶证、叉车证）"),
        max_length=300,
        required=False,
        help_text=_LIST_HELP,
    )
    skills = forms.CharField(
        label=_("技能要求"), max_length=300, required=False, help_text=_LIST_HELP
    )
    benefits = forms.CharField(label=_("福利待遇"), max_length=200, required=False)
    valid_until = forms.DateField(
        label=_("有效期至"), widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(
        label=_("岗位描述"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, employers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers
        self.fields["region"].queryset = _hebei_places()

    def clean(self):
        data = super().clean()
        if (
            data.get("pay_min") is not None
            and data.get("pay_max") is not None
            and data["pay_min"] > data["pay_max"]
        ):
            self.add_error("pay_max", _("月薪下限不能高于上限。"))
        return data

    @staticmethod
    def initial_for(post) -> dict:
        return {
            "employer": post.employer_id,
            "title": post.title,
            "region": post.region_id,
            "pay_min": post.pay_min,
            "pay_max": post.pay_max,
            "employment_type": post.employment_type,
            "headcount": post.headcount,
            "experience_years": post.experience_years,
            "education": post.education,
            "certificates": "、".join(post.certificates),
            "skills": "、".join(post.skills),
            "benefits": post.benefits,
            "valid_until": post.valid_until,
            "description": post.description,
        }

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("employer", None)
        return data


class ResumeSearchForm(forms.Form):
    q = forms.CharField(label=_("关键词（职位、技能、证书）"), max_length=60, required=False)
    city = forms.ChoiceField(label=_("期望城市"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = [("", _("不限"))] + [(c.code, c.name) for c in _cities()]
