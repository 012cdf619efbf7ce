"""The browsable API reference: Swagger UI served by the app itself (no CDN), over /api/v1/openapi.json."""

from flask import Blueprint, abort, render_template, send_from_directory
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1/docs")
ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js",
                    "favicon-32x32.png", "favicon-16x16.png"})


@bp.get("/")
def reference():
    """The reference page; its only script is the vendored bundle plus our own initializer file."""
    return render_template("api/docs.html")


@bp.get("/assets/<name>")
def asset(name: str):
    """One file of the vendored Swagger UI (a fixed list: nothing else of the package is served)."""
    if name not in ASSETS:
        abort(404)
    return send_from_directory(swagger_ui_path, name, max_age=86400)
