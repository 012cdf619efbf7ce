"""The daily sweep purges what has outlived its use, and nothing still usable."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from coordinator.extensions import db
from coordinator.models import IdempotencyRecord, OAuth2AuthorizationCode, OAuth2Token
from coordinator.services.purge import purge_expired


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_expired_codes_tokens_and_idempotent_answers_go_and_live_ones_stay(ctx, parties):
    now = datetime.now(UTC)
    epoch = int(now.timestamp())
    user = parties.physician.user_id
    for age in (timedelta(days=2), timedelta(minutes=1)):
        db.session.add(OAuth2AuthorizationCode(code_hash=f"{age}"[:60], client_id="c", user_id=user, redirect_uri="",
                                               scope="cases:read", auth_time=epoch, created_at=now - age))
        db.session.add(IdempotencyRecord(owner="c", key=f"k{age}", method="POST", path="/x", request_hash="h",
                                         created_at=now - age))
    old, live = epoch - 40 * 86400, epoch - 60
    for n, (issued, refresh) in enumerate(((old, "r-old"), (live, "r-live"), (old, None), (epoch - 3 * 86400, "r-3d"))):
        db.session.add(OAuth2Token(client_id="c", user_id=user, org_id=parties.physician.org_id, role="physician",
                                   access_token_hash=f"a{n}", refresh_token_hash=refresh, scope="cases:read",
                                   issued_at=issued, expires_in=3600))
    db.session.commit()
    gone = purge_expired(now)
    # the 3-day-old token's refresh token lives 14 days: it stays; the 40-day-old ones go
    assert gone == {"oauth_codes": 1, "oauth_tokens": 2, "idempotency_records": 1}
    assert (count(OAuth2AuthorizationCode), count(OAuth2Token), count(IdempotencyRecord)) == (1, 2, 1)
    assert purge_expired(now) == {"oauth_codes": 0, "oauth_tokens": 0, "idempotency_records": 0}
