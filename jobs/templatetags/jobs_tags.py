from django import template

register = template.Library()


@register.inclusion_tag("jobs/_region_jobs.html")
def region_jobs(region) -> dict:
    """The region page's jobs block. It costs the (cached) page no query: the nearest posts
    load with htmx from ``jobs:region_posts``; without JS the link opens the filtered list."""
    return {"region": region}
