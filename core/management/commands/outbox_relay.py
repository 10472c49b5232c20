"""Send the tasks left pending in the outbox (what beat does every 30 seconds)."""

from django.core.management.base import BaseCommand

from core.models import OutboxMessage
from core.outbox import outbox_relay


class Command(BaseCommand):
    help = "发送事务发件箱中待发送的任务（Redis 恢复后由定时任务自动执行，也可手动执行）。"

    def handle(self, *args, **options) -> None:
        sent = outbox_relay()
        pending = OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING).count()
        self.stdout.write(f"{sent} sent, {pending} pending")
