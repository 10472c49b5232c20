"""Build a province-sized data set on PostgreSQL with COPY (see portal.scale.build).

    python manage.py seed_scale                 # 530,000 members, 1,000,000 hotline requests …
    python manage.py seed_scale --scale 0.01    # 1 % of it, for a quick run
    python manage.py seed_scale --reset         # empty the module tables first, then build

Runs ``seed_demo`` first, so the demo's staff and members sign in beside the generated ones.
A second run without ``--reset`` refuses: the data set is already there.
"""

from __future__ import annotations

import time

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from accounts.models import User
from portal.scale.build import MEMBER_PHONE_PREFIX, SCALE_PASSWORD, Builder, log_scale_summary

#: Apps whose tables --reset empties (regions keeps its tree; it is reloaded anyway).
RESET_APPS = ("accounts", "learning", "hotline", "jobs", "activities", "portal", "axes")


class Command(BaseCommand):
    help = "Build a province-sized data set (530,000 members at --scale 1) with COPY."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="multiplier of every count (default 1.0)"
        )
        parser.add_argument("--seed", type=int, default=12351, help="random seed")
        parser.add_argument(
            "--no-identities",
            action="store_true",
            help="skip the encrypted real-name identities (the slowest part)",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="TRUNCATE the module tables first: only for a database kept for load tests",
        )
        parser.add_argument("--no-demo", action="store_true", help="do not run seed_demo first")

    def handle(self, *args, scale, seed, no_identities, reset, no_demo, **options):
        if connection.vendor != "postgresql":
            raise CommandError("seed_scale needs PostgreSQL: set DATABASE_URL=postgres://…")
        if not 0 < scale <= 5:
            raise CommandError("--scale must be greater than 0 and at most 5")
        started = time.monotonic()
        if reset:
            self._truncate()
        elif User.objects.filter(phone__startswith=MEMBER_PHONE_PREFIX).exists():
            raise CommandError(
                "this database already holds a scale data set; use --reset to rebuild it"
            )
        call_command("load_regions", verbosity=0)
        if not no_demo:
            call_command("seed_demo", stdout=_Quiet())
        self.stdout.write(f"building the data set at scale {scale} (seed {seed}) …")
        counts = Builder(
            scale=scale,
            seed=seed,
            identities=not no_identities,
            log=self.stdout.write,
        ).run()
        elapsed = time.monotonic() - started
        self.stdout.write(log_scale_summary(counts))
        self.stdout.write(
            self.style.SUCCESS(
                f"scale data set ready in {elapsed:.0f} s; members sign in as "
                f"{MEMBER_PHONE_PREFIX}00000000… with password {SCALE_PASSWORD}"
            )
        )

    def _truncate(self) -> None:
        tables = [
            model._meta.db_table
            for label in RESET_APPS
            if label in {a.label for a in apps.get_app_configs()}
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
        ]
        tables += ["django_session", "django_admin_log"]
        extra = [
            m._meta.db_table
            for m in apps.get_models(include_auto_created=True)
            if m._meta.app_label in {"account", "mfa", "idp_oidc", "regions"}
            and m._meta.db_table != "regions_region"
        ]
        quoted = ", ".join(f'"{t}"' for t in sorted(set(tables + extra)))
        with connection.cursor() as cursor:
            # Inside an outer transaction (tests) pending foreign-key checks would block it.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
        self.stdout.write("emptied the module tables")


class _Quiet:
    """seed_demo's line-by-line output is noise here."""

    def write(self, *args, **kwargs) -> None:
        pass

    def flush(self) -> None:
        pass
