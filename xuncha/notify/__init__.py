"""Reminders, escalation and the channels that carry them: the bell (in-app), e-mail with
each person's choice, and the group robots of 企业微信 and 钉钉 (see ``sweep`` and ``outbox``)."""
