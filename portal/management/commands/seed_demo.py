"""Load demo content for every module, idempotently: running it twice changes nothing.

Each module contributes a ``demo`` module with ``seed(*, stdout)``; they run in dependency
order, each in its own transaction.
"""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_MODULES = [
    "regions.demo",
    "accounts.demo",
    "accounts.demo_membership",
    "accounts.demo_identity",
    "accounts.demo_oidc",
    "publishing.demo",
    "activities.demo",
    "jobs.demo",
    "hotline.demo",
    "learning.demo",
    "datahub.demo",
    "datahub.demo_works",
    # 困难职工帮扶 and 互助保障 of the demo members above (their unions, their staff).
    "aid.demo",
    # 劳模工匠 of the demo members, two with public profiles.
    "honours.demo",
    # computes the facts of the past 30 days from everything above.
    "insights.demo",
    # last: every demo member above signed up by SMS code (number verified, privacy
    # consent); the members imported from datahub.demo's roster did not (accounts.demo_auth,
    # told by datahub which those are).
    "datahub.demo_auth",
]


class Command(BaseCommand):
    help = "Load the demo data set (regions, demo users and module content); idempotent."

    def handle(self, *args, **options):
        for module_name in DEMO_MODULES:
            module = import_module(module_name)
            self.stdout.write(self.style.MIGRATE_HEADING(module_name))
            with transaction.atomic():
                module.seed(stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS("demo data ready: sign in at /admin/ with a staff user")
        )
