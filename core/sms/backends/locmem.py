from core import sms


class SmsBackend:
    """Tests: messages are kept in ``core.sms.outbox``."""

    def send_messages(self, messages) -> int:
        sms.outbox.extend(messages)
        return len(messages)
