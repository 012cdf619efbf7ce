"""Purge what has outlived its use (run by the daily sweep): OAuth codes past their replay window, tokens past both
their lifetimes, and stored idempotent answers past the window a client may retry in."""

from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_

from ..extensions import db
from ..models import IdempotencyRecord, OAuth2AuthorizationCode, OAuth2Token

CODE_KEPT = timedelta(days=1)            # a code lives minutes; kept a day so a replay is still recognised
TOKEN_KEPT_AFTER_EXPIRY = timedelta(days=1)
IDEMPOTENCY_WINDOW = timedelta(hours=24)  # a retry with the same Idempotency-Key within this replays the answer


def purge_expired(now: datetime | None = None) -> dict[str, int]:
    """Delete the expired rows; how many of each kind went."""
    now = now or datetime.now(UTC)
    epoch = int(now.timestamp())
    refresh_seconds = current_app.config["OAUTH2_REFRESH_TOKEN_DAYS"] * 86400
    kept = int(TOKEN_KEPT_AFTER_EXPIRY.total_seconds())
    gone = {
        "oauth_codes": db.session.execute(delete(OAuth2AuthorizationCode).where(
            OAuth2AuthorizationCode.created_at < now - CODE_KEPT)).rowcount,
        # a token row holds an access and a refresh token: it goes once neither can be used any more
        "oauth_tokens": db.session.execute(delete(OAuth2Token).where(
            OAuth2Token.issued_at + OAuth2Token.expires_in < epoch - kept,
            or_(OAuth2Token.refresh_token_hash.is_(None), OAuth2Token.issued_at + refresh_seconds < epoch - kept,
                OAuth2Token.refresh_token_revoked_at < epoch - kept))).rowcount,
        "idempotency_records": db.session.execute(delete(IdempotencyRecord).where(
            IdempotencyRecord.created_at < now - IDEMPOTENCY_WINDOW)).rowcount,
    }
    db.session.commit()
    return gone
