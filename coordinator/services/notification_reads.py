"""A person marks their notifications as read: the newest one they can see becomes their read marker."""

from sqlalchemy import func

from ..domain.actors import Actor
from ..extensions import db
from ..models import Notification, User
from .queries.caseload import notifications, notifications_of


def mark_notifications_read(actor: Actor) -> int:
    """Mark every notification the actor can see as read (up to the newest); returns how many were unread."""
    user = db.session.get(User, actor.user_id)
    newest = db.session.scalar(notifications_of(actor).with_only_columns(func.max(Notification.id))) or 0
    unread = notifications(actor).unread
    if user is not None and newest > user.notifications_read_to:
        user.notifications_read_to = newest
        db.session.commit()
    return unread
