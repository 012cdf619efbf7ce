"""Notifications through a real SMTP server (aiosmtpd on 127.0.0.1), and the log channel by default."""

import asyncio
import logging

from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import Notification
from flows.drive_case import drive_case

from .test_drive_case import opened


def test_a_new_task_is_mailed_to_its_party_without_clinical_details(parties, referral, flows, smtp_server):
    case_id = opened(parties, referral)
    assert asyncio.run(drive_case(case_id))["notified"] == 1
    [(recipients, message)] = smtp_server.messages
    assert recipients == ["md@practice.test"]                 # the physician's practice, physician role
    assert "Medical clearance" in message and "CLM-1" in message
    for clinical in ("S39", "Strain", "lower back", "diagnos"):
        assert clinical not in message
    db.session.rollback()
    sent = db.session.scalar(select(Notification).where(Notification.case_id == case_id))
    assert sent.channel == "smtp" and sent.sent_at is not None


def test_an_unreachable_smtp_server_keeps_the_notification_for_a_retry(app, parties, referral, flows):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=9)
    try:
        case_id = opened(parties, referral)
        assert asyncio.run(drive_case(case_id))["notified"] == 0
    finally:
        app.config.update(SMTP_HOST="")
    db.session.rollback()
    pending = db.session.scalar(select(Notification).where(Notification.case_id == case_id))
    assert pending.sent_at is None and pending.attempts == 1 and pending.last_error
    assert asyncio.run(drive_case(case_id))["notified"] == 1   # the log channel, once SMTP is gone


def test_without_smtp_the_notification_is_logged(parties, referral, flows, caplog):
    case_id = opened(parties, referral)
    with caplog.at_level(logging.INFO, logger="coordinator.notifications"):
        asyncio.run(drive_case(case_id))
    assert any("Medical clearance" in r.getMessage() and "md@practice.test" in r.getMessage() for r in caplog.records)
