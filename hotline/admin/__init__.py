"""The hotline's admin, one module per model (or close group); importing the package
registers them all with the admin site."""

from core.paginators import EstimatedCountPaginator
from hotline.admin import calendar, canned, consultations, team
from hotline.admin.requests import HotlineRequestAdmin
from hotline.models import Kind, Topic

__all__ = [
    "EstimatedCountPaginator",
    "HotlineRequestAdmin",
    "Kind",
    "Topic",
    "calendar",
    "canned",
    "consultations",
    "team",
]
