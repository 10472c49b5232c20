import logging

logger = logging.getLogger("core.sms")


class SmsBackend:
    """Development default: the message goes to the log (stdout) instead of a phone."""

    def send_messages(self, messages) -> int:
        for message in messages:
            logger.info("sms", extra={"phone": message.phone, "sms_text": message.message})
        return len(messages)
