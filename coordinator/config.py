"""Settings read from the environment; one class, overridable per app instance."""

import os
import secrets
from pathlib import Path

INSTANCE_DIR = Path(os.environ.get("COORDINATOR_INSTANCE", Path.cwd() / "instance"))


def database_url(raw: str | None = None) -> str:
    """The SQLAlchemy URL: DATABASE_URL, or the embedded SQLite file by default."""
    url = raw or os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'coordinator.db'}"
    # plain postgresql:// would pick psycopg2, which we do not install
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def secret_key() -> str:
    """SECRET_KEY from the environment, else one kept in the instance folder across restarts."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _flag(name: str, default: bool) -> bool:
    """A yes/no setting from the environment."""
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


class Config:
    """Defaults for every deployment; create_app(overrides) replaces any of them."""

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    JSON_SORT_KEYS = False
    SESSION_COOKIE_NAME = "coordinator"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None          # the token lives as long as the signed-in session
    SESSION_IDLE_MINUTES = 30           # signed out after this long without a request
    SESSION_ABSOLUTE_HOURS = 10         # and after this long whatever happens
    OAUTH2_ACCESS_TOKEN_SECONDS = 3600
    OAUTH2_REFRESH_TOKEN_DAYS = 14
    # no request body the API or a form takes is near this: a larger one is refused (413) before it is read
    MAX_CONTENT_LENGTH = 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 512 * 1024
    MAX_URL_LENGTH = 4096               # path and query; no page or call needs more (gunicorn stops at 8,190)
    JSON_MAX_DEPTH = 32                 # our deepest input nests 4 levels; a deeper body is refused (400)

    def __init__(self):
        self.SQLALCHEMY_DATABASE_URI = database_url()
        # throttles (flask-limiter strings); a site whose users share one address (a clinic's NAT) raises
        # the per-address ones, never the per-account one
        self.LOGIN_RATE_LIMITS = os.environ.get("LOGIN_RATE_LIMITS", "10 per minute;50 per hour")   # per address
        self.LOGIN_ACCOUNT_RATE_LIMIT = os.environ.get("LOGIN_ACCOUNT_RATE_LIMIT", "5 per minute;20 per hour")
        self.TOKEN_RATE_LIMITS = os.environ.get("TOKEN_RATE_LIMITS", "60 per minute")   # per address, /oauth/token
        self.SECRET_KEY = secret_key()
        # local development serves plain http on 127.0.0.1; everywhere else cookies need TLS
        self.DEVELOPMENT = os.environ.get("COORDINATOR_ENV", "production") == "development"
        self.SESSION_COOKIE_SECURE = _flag("COORDINATOR_SECURE_COOKIES", not self.DEVELOPMENT)
        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
        # proxies in front of the app (TLS terminator, load balancer) whose X-Forwarded-* to trust
        self.PROXY_HOPS = int(os.environ.get("PROXY_HOPS", "0"))
        # where the documents' bytes are kept (services/document_store.py); the database keeps what they are
        self.DOCUMENTS_DIR = os.environ.get("DOCUMENTS_DIR", str(INSTANCE_DIR / "documents"))
        # the authorization server's issuer URL in metadata and introspection (set it in production)
        self.OAUTH2_ISSUER = os.environ.get("OAUTH2_ISSUER", "")
        # optional single sign-on through any OpenID Connect provider
        # notifications: SMTP when a host is configured, else written to the log (and shown in the portal)
        self.SMTP_HOST = os.environ.get("SMTP_HOST", "")
        self.SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
        self.SMTP_USERNAME = os.environ.get("SMTP_USERNAME", "")
        self.SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
        self.SMTP_STARTTLS = _flag("SMTP_STARTTLS", False)
        self.NOTIFY_FROM = os.environ.get("NOTIFY_FROM", "coordinator@localhost")
        self.OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "")
        self.OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
        self.OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
