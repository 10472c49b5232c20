from django import template

from activities.selectors import region_upcoming_cached

register = template.Library()


@register.inclusion_tag("activities/_region_block.html")
def region_upcoming(region):
    """The "近期活动" block of a region page, without a query: from the cache when warm;
    otherwise a placeholder that htmx fills from the fragment view (which warms the cache),
    with a plain link for pages without JavaScript."""
    return {
        "cards": region_upcoming_cached(node=region),
        "region_code": region.code,
        "region_name": region.short_name,
    }
