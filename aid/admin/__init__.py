"""The aid staff's workplace (django-unfold): hardship applications with their decision
form, the disbursement ledger, plans, enrolments and claims. Every list is scoped by
``accounts.permissions`` (a county's staff see their county, an officer their union
subtree); every decision goes through ``aid.services`` and is audited there."""

from aid.admin import hardship, mutual

__all__ = ["hardship", "mutual"]
