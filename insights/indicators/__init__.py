"""The indicators of the data platform, one module per domain. Each module registers its
indicators into ``insights.registry`` when imported; importing this package imports them
all (``InsightsConfig.ready`` does, so the registry is full once Django is set up). The
registry never imports a domain module: definitions stand on the registry, not around it.

Where a figure belongs: hotline requests, job posts and activities to their own region;
everything a member does (learning, points, claims, use of the portal) to the region of the
union the member belongs to at the end of the day. Doings of people who are not members are
not attributed to a region.
"""

from insights.indicators import (  # noqa: F401 - imported for their registrations
    activities,
    datahub,
    hotline,
    jobs,
    learning,
    membership,
    organization,
    publicity,
    rights,
    usage,
)
