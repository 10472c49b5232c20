"""``User.privacy_consent_version``: the privacy-policy version a member has agreed to, so the
consent gate reads it from the user row already loaded for the request.

The backfill is one set-based ``UPDATE … FROM`` over the active privacy-policy consents
(530,000 members in production: no per-row Python).
"""

from django.conf import settings
from django.db import migrations, models

BACKFILL_SQL = """
UPDATE {user} SET privacy_consent_version = c.version
FROM (
    SELECT user_id,
        CASE WHEN MAX(CASE WHEN version = %s THEN 1 ELSE 0 END) = 1 THEN %s
             ELSE MAX(version) END AS version
    FROM {consent}
    WHERE kind = 'privacy_policy' AND withdrawn_at IS NULL
    GROUP BY user_id
) AS c
WHERE {user}.id = c.user_id AND {user}.privacy_consent_version <> c.version
"""


def backfill_privacy_consent_version(apps, schema_editor) -> None:
    """Copy each user's active privacy-policy consent onto the user row: the current version
    when they agreed to it, else the latest they agreed to (the gate asks them again), else
    nothing (members from union rosters never agreed online). Idempotent."""
    user = apps.get_model("accounts", "User")._meta.db_table
    consent = apps.get_model("accounts", "ConsentRecord")._meta.db_table
    current = settings.PORTAL_CONSENT_VERSIONS["privacy_policy"]
    quote = schema_editor.quote_name
    # Table names come from the models, never from input.
    sql = BACKFILL_SQL.format(user=quote(user), consent=quote(consent))
    schema_editor.execute(sql, [current, current])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_scale_list_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="privacy_consent_version",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                editable=False,
                max_length=20,
                verbose_name="已同意的隐私政策版本",
            ),
        ),
        migrations.RunPython(backfill_privacy_consent_version, migrations.RunPython.noop),
    ]
