"""Re-encrypt every stored ID number with the current key of ID_NUMBER_KEYS."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from accounts import crypto
from accounts.models import DigitalIdentity
from accounts.services.identity import identity_reencrypt_batch


class Command(BaseCommand):
    help = (
        "把所有身份证号密文改用 ID_NUMBER_KEYS 中的当前（第一个）密钥重新加密。"
        "分批执行，可重复运行；旧密钥在全部完成后即可从配置中删除。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options) -> None:
        current = crypto.current_key_id()
        batch_size = max(batch_size, 1)
        total = DigitalIdentity.objects.count()
        rewritten = 0
        last_pk = 0
        while True:
            # Walk by primary key so each batch is one short transaction and rows written
            # meanwhile by new verifications (already on the current key) are simply skipped.
            ids = list(
                DigitalIdentity.objects.filter(pk__gt=last_pk)
                .exclude(key_id=current)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            with transaction.atomic():
                rewritten += identity_reencrypt_batch(ids=ids)
            last_pk = ids[-1]
            self.stdout.write(f"  … {rewritten} re-encrypted so far")
        self.stdout.write(
            self.style.SUCCESS(
                f"current key {current}: {rewritten} re-encrypted, "
                f"{total - rewritten} already current, {total} in all"
            )
        )
