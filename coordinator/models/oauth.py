"""OAuth 2.0 clients, authorization codes and tokens; secrets and tokens are stored only as hashes."""

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import JSONType, UTCDateTime, one_of, utcnow
from ..domain.actors import Role


class OAuth2Client(db.Model):
    """A partner system or application, bound to one organisation and one role."""

    __tablename__ = "oauth2_client"
    __table_args__ = (one_of("role", Role),
                      # a partner system acts for one organisation; a workers' app for whichever worker signs in
                      CheckConstraint("org_id IS NOT NULL OR role = 'worker'", name="org_unless_worker"))

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(48), unique=True)
    client_secret_hash: Mapped[str | None] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(200))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    client_metadata: Mapped[dict] = mapped_column(JSONType, default=dict)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    revoked_at = mapped_column(UTCDateTime)


class OAuth2AuthorizationCode(db.Model):
    """A one-time code of the authorization-code grant (PKCE S256); `used_at` catches a replay."""

    __tablename__ = "oauth2_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[str] = mapped_column(String(48), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    redirect_uri: Mapped[str] = mapped_column(Text, default="")
    scope: Mapped[str] = mapped_column(Text, default="")
    nonce: Mapped[str | None] = mapped_column(String(255))
    code_challenge: Mapped[str | None] = mapped_column(String(128))
    code_challenge_method: Mapped[str | None] = mapped_column(String(16))
    auth_time: Mapped[int] = mapped_column(BigInteger)
    used_at = mapped_column(UTCDateTime)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class OAuth2Token(db.Model):
    """An access token (and refresh token) as hashes, with who it acts for and what it may do."""

    __tablename__ = "oauth2_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(48), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))   # none for a worker's token
    role: Mapped[str] = mapped_column(String(32))
    token_type: Mapped[str] = mapped_column(String(40), default="Bearer")
    access_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    refresh_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(Text, default="")
    issued_at: Mapped[int] = mapped_column(BigInteger)
    expires_in: Mapped[int] = mapped_column(Integer)
    access_token_revoked_at: Mapped[int | None] = mapped_column(BigInteger)
    refresh_token_revoked_at: Mapped[int | None] = mapped_column(BigInteger)
    # every token descending from one authorization code, so a replayed code revokes them all
    code_id: Mapped[int | None] = mapped_column(ForeignKey("oauth2_code.id", ondelete="SET NULL"), index=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
