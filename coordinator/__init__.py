"""The coordinator: keeps work hardening cases moving among every party who must act."""

from flask import Flask

from .config import Config


def create_app(overrides: dict | None = None) -> Flask:
    """Build the Flask app; `overrides` replaces configuration (tests pass their database)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Config())
    if overrides:
        app.config.update(overrides)

    from .extensions import db, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()))

    from . import models  # noqa: F401  (register every table with the metadata)
    from .cli import register_cli
    from .home import bp as home_bp

    app.register_blueprint(home_bp)
    register_cli(app)
    return app


def _migrations_dir():
    """migrations/ at the project root, beside the package."""
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"
