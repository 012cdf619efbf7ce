"""Sign-in and sign-out pages for local accounts."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from ..audit import append as audit_append
from ..domain.actors import Actor, Role
from ..extensions import db, limiter
from ..models import User
from .passwords import hash_password, needs_rehash, verify_password
from .sessions import current_user, end_session, login_required, start_session

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])


def _login_limits() -> str:
    return current_app.config["LOGIN_RATE_LIMITS"]


def _account_limits() -> str:
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def _account_key() -> str:
    """Throttle per e-mail tried, so spreading attempts over many addresses does not help."""
    return "login-account:" + (request.form.get("email") or "").strip().lower()[:254]


def safe_next(target: str | None) -> str:
    """Only a path on this site: an absolute or scheme-relative URL would be an open redirect. Browsers drop tabs
    and line breaks from a URL and read a backslash as a slash, so a slash, a tab and `/evil.example` mean `//evil.example`: any
    control character, space or backslash refuses the target (CR and LF would also break the Location header)."""
    if (target and target.startswith("/") and not target.startswith("//")
            and not any(c <= " " or c in "\\\x7f" for c in target)):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("home.index")


def _audit_login(user: User | None, email: str, outcome: str) -> None:
    actor = Actor(user.id, Role(user.role), user.org_id) if user else Actor(None, Role.SYSTEM)
    audit_append(actor, "login", f"user:{user.id}" if user else "user:unknown", category="identity",
                 outcome=outcome, detail={"method": "password"} if user else {"email_known": False})
    db.session.commit()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limits, methods=["POST"])
@limiter.limit(_account_limits, key_func=_account_key, methods=["POST"])
def login():
    """Show the sign-in form; on a valid e-mail and password, start a session."""
    if current_user() and request.method == "GET":
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(User.email == email))
        # the hash is checked whether or not the account exists, so the time taken tells nothing about it
        known = user is not None and user.active
        if verify_password(user.password_hash if known else None, form.password.data) and known:
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(form.password.data)
            start_session(user)
            _audit_login(user, email, "ok")
            return redirect(safe_next(request.args.get("next")))
        _audit_login(user, email, "denied")
        form.password.errors.append("The e-mail or the password is wrong.")
        return render_template("auth/login.html", form=form), 401
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required()
def logout():
    """End the session on the server and clear the cookie."""
    user = g.user
    audit_append(Actor(user.id, Role(user.role), user.org_id), "logout", f"user:{user.id}", category="identity")
    db.session.commit()
    end_session("logout")
    flash("You are signed out.")
    return redirect(url_for("auth.login"))
