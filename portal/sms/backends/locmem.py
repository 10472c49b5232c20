from portal import sms


class SmsBackend:
    """Tests: messages are kept in ``portal.sms.outbox``."""

    def send_messages(self, messages) -> int:
        sms.outbox.extend(messages)
        return len(messages)
