"""The page a worker's invitation link opens: choose a password (or confirm the one of the account they already
have), and they are signed in to their own portal."""

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import EqualTo, Length, Optional

from ..domain.errors import DomainError
from ..extensions import limiter
from ..services.invitations import accept_invitation, open_invitation
from ..services.queries.access import forget
from .passwords import MIN_LENGTH
from .sessions import start_session

bp = Blueprint("invitation", __name__)


class AcceptForm(FlaskForm):
    """The worker's name and a password of their own, typed twice."""

    name = StringField("Your name", validators=[Optional(), Length(max=200)])
    password = PasswordField("Choose a password", validators=[Length(max=1024)])
    confirm = PasswordField("Type the password again",
                            validators=[EqualTo("password", message="The two passwords are not the same.")])


class ExistingForm(FlaskForm):
    """The password of the worker's account (from another case)."""

    password = PasswordField("Your password", validators=[Length(max=1024)])


def _limits() -> str:
    return current_app.config["LOGIN_RATE_LIMITS"]


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@limiter.limit(_limits, methods=["POST"])
def accept(token: str):
    """Show the invitation (or why it can no longer be used); on a valid password, join and sign in."""
    try:
        opened = open_invitation(token)
    except DomainError as refused:
        forget()
        return render_template("auth/invitation.html", refused=str(refused), form=None), 410
    existing = opened.account is not None
    form = ExistingForm() if existing else AcceptForm(name=opened.worker_name)
    status = 200
    if form.validate_on_submit():
        try:
            user = accept_invitation(token, password=form.password.data or "",
                                     name="" if existing else form.name.data or "")
        except DomainError as refused:
            forget()
            form.password.errors.append(str(refused)[0].upper() + str(refused)[1:] + ".")
            status = 422
        else:
            start_session(user)   # replaces whoever was signed in on this browser
            return redirect(url_for("worker.home"))
    elif form.is_submitted():
        status = 422
    return render_template("auth/invitation.html", refused=None, form=form, existing=existing,
                           worker_name=opened.worker_name, email=opened.invitation.email,
                           expires_at=opened.invitation.expires_at, min_length=MIN_LENGTH), status
