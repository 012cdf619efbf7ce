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


class Config:
    """Defaults for every deployment; create_app(overrides) replaces any of them."""

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    JSON_SORT_KEYS = False

    def __init__(self):
        self.SQLALCHEMY_DATABASE_URI = database_url()
        self.SECRET_KEY = secret_key()
