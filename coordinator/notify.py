"""Notification channels: SMTP when configured, otherwise the log; rows are kept for the portal either way."""

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select

from .domain.actors import Role
from .extensions import db
from .models import Notification, User
from .models.base import utcnow

log = logging.getLogger("coordinator.notifications")


def recipients(row: Notification) -> list[str]:
    """The active users of the organisation and role the notification is for (or the one user it names)."""
    if row.org_id is None:
        return []
    query = select(User.email).where(User.org_id == row.org_id, User.role == row.role,
                                     User.active.is_(True)).order_by(User.id)
    if row.user_id is not None:
        query = query.where(User.id == row.user_id)
    return list(db.session.scalars(query))


class LogChannel:
    """Writes each notification to the log; the portal shows the stored rows."""

    name = "log"

    def send(self, row: Notification, to: list[str]) -> None:
        """Log the message (subject and recipients only; the body repeats them)."""
        log.info("notification %s to %s (%s): %s", row.id, ", ".join(to) or f"{row.role} of org {row.org_id}",
                 Role(row.role).value, row.subject)


class SmtpChannel:
    """Sends each notification as one e-mail through the configured SMTP server."""

    name = "smtp"

    def __init__(self, config):
        self.config = config

    def send(self, row: Notification, to: list[str]) -> None:
        """Deliver to every recipient; raises when the server refuses, so the row is retried."""
        if not to:
            return
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.config["NOTIFY_FROM"], ", ".join(to), row.subject
        message.set_content(row.body)
        with smtplib.SMTP(self.config["SMTP_HOST"], self.config["SMTP_PORT"], timeout=10) as smtp:
            if self.config.get("SMTP_STARTTLS"):
                smtp.starttls()
            if self.config.get("SMTP_USERNAME"):
                smtp.login(self.config["SMTP_USERNAME"], self.config["SMTP_PASSWORD"])
            smtp.send_message(message)


def channel():
    """The channel the configuration selects."""
    config = current_app.config
    return SmtpChannel(config) if config.get("SMTP_HOST") else LogChannel()


def deliver_pending(case_id: int | None = None, limit: int = 200) -> int:
    """Send unsent notifications (of one case, or all), each at most once; returns how many were sent."""
    query = select(Notification).where(Notification.sent_at.is_(None), Notification.attempts < 10)
    if case_id is not None:
        query = query.where(Notification.case_id == case_id)
    rows = db.session.scalars(query.order_by(Notification.id).limit(limit)).all()
    chosen, sent = channel(), 0
    for row in rows:
        try:
            chosen.send(row, recipients(row))
        except (OSError, smtplib.SMTPException) as error:
            row.attempts, row.last_error = row.attempts + 1, str(error)[:500]
        else:
            row.sent_at, row.channel, row.attempts = utcnow(), chosen.name, row.attempts + 1
            sent += 1
        db.session.commit()   # one row at a time: a crash never re-sends what was already delivered
    return sent
