from django import template

register = template.Library()


@register.inclusion_tag("jobs/_region_jobs.html")
def region_jobs(region) -> dict:
    """The region page's jobs block. It costs the (cached) page no query: the nearest posts
    load with htmx from ``jobs:region_posts``; without JS the link opens the filtered list."""
    return {"region": region}


@register.inclusion_tag("jobs/_manage_nav.html")
def jobs_manage_nav(user) -> dict:
    """The employer / union-staff menu; the résumé link only for those who may browse."""
    from jobs.selectors import user_may_browse_resumes

    return {"may_browse_resumes": user_may_browse_resumes(user)}


@register.filter
def jobs_may_manage(user) -> bool:
    """Employers' accounts and union staff with a jobs scope: the link to /jobs/manage/."""
    from jobs.selectors import employers_for_user

    return employers_for_user(user=user).exists()
