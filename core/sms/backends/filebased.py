import json
from pathlib import Path

from django.conf import settings


class SmsBackend:
    """Appends one JSON line per message to ``SMS_FILE_PATH`` (staging, demos)."""

    def send_messages(self, messages) -> int:
        path = Path(settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            for message in messages:
                record = {
                    "phone": message.phone,
                    "message": message.message,
                    "created_at": message.created_at.isoformat(),
                }
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        return len(messages)
