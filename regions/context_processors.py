from django.http import HttpRequest

from regions.current import current_region_for
from regions.selectors import region_tree


def current_region(request: HttpRequest) -> dict:
    node = current_region_for(request)
    return {
        "current_region": node,
        "current_region_ancestors": region_tree().ancestors(node) if node else [],
    }
