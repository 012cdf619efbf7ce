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
    if row.role == Role.WORKER and row.user_id is not None:   # a worker belongs to no organisation
        return list(db.session.scalars(select(User.email).where(User.id == row.user_id, User.active.is_(True))))
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


    def send_message(self, to: str, subject: str, body: str) -> None:
        """A message to one address outside the notification rows (an invitation): the log is where a
        machine without e-mail finds it, link included."""
        log.warning("message to %s: %s\n%s", to, subject, body)


class SmtpChannel:
    """Sends each notification as one e-mail through the configured SMTP server."""

    name = "smtp"

    def __init__(self, config):
        self.config = config

    def send(self, row: Notification, to: list[str]) -> None:
        """Deliver to every recipient; raises when the server refuses, so the row is retried."""
        if not to:
            return
        self._deliver(to, row.subject, row.body)

    def send_message(self, to: str, subject: str, body: str) -> None:
        """A message to one address outside the notification rows (an invitation); raises when refused."""
        self._deliver([to], subject, body)

    def _deliver(self, to: list[str], subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.config["NOTIFY_FROM"], ", ".join(to), subject
        message.set_content(body)
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


def send_invitation(invited, link: str) -> str:
    """E-mail the worker their invitation link (at once, outside the notification rows: the link is a secret kept
    nowhere but in the message); returns the channel's name, "log" when no e-mail server is configured."""
    row, chosen = invited.invitation, channel()
    words = ("add this case to the account you already have" if invited.existing_account
             else "choose a password and see your case")
    chosen.send_message(row.email, "Your return-to-work portal: your clinic's invitation",
                        f"Hello,\n\nYour clinic invites you to follow your return to work online: what happens next "
                        f"and when, your goals, your restrictions and your progress, and the papers you sign.\n\n"
                        f"Open this link to {words}:\n{link}\n\nThe link holds until "
                        f"{row.expires_at:%d %B %Y, %H:%M} UTC and works once. If you did not expect it, ignore "
                        f"this e-mail.\n")
    return chosen.name
