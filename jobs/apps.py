from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("就业服务")

    def ready(self) -> None:
        from accounts.selectors.privacy import register_personal_data_exporter

        register_personal_data_exporter("jobs")(_export_personal_data)


def _export_personal_data(user) -> dict:
    from jobs.models import Application, Resume

    resume = (
        Resume.objects.filter(user=user)
        .values(
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
        .first()
    )
    applications = list(
        Application.objects.filter(user=user).values(
            "post__title",
            "post__employer__name",
            "status",
            "created_at",
            "interview_at",
            "interview_place",
        )
    )
    for row in applications:
        for key in ("created_at", "interview_at"):
            row[key] = row[key].isoformat() if row[key] else None
    return {"resume": resume, "applications": applications}
