"""The portal form view: render an action's form, validate it like the API, run the service, or say why not."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for

from ..auth.sessions import current_actor
from ..domain.errors import DomainError, InvalidValue
from ..domain.permissions import NotPermitted
from ..services.queries.access import forget
from ..services.queries.cases import case_summary, commands_on, referral_choices, refusal
from ..services.unit_of_work import NotFound, Options, StaleVersion
from .actions import ACTIONS, ValidationError, defaults, describe, load, subject_of


def _flat(messages) -> dict[str, str]:
    """marshmallow's nested messages as one sentence per field."""
    out = {}
    for name, value in (messages.items() if isinstance(messages, dict) else [("_schema", messages)]):
        if isinstance(value, dict):
            value = [f"{k}: {'; '.join(v) if isinstance(v, list) else v}" for k, v in value.items()]
        out[name] = "; ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return out


def _form_kind(action, command) -> str | None:
    """The kind of input the form takes: the one it fixes, else the kind the catalogue allows now."""
    from ..domain.catalogue import COMMANDS

    if action.kind is not None or len(COMMANDS[action.command].kinds) == 1:
        return action.kind or COMMANDS[action.command].kinds[0].name
    return command.kinds[0] if command.kinds else None


def act(portal: str, case_id: int, slug: str, subject_id: int | None = None):
    """GET the form; POST it: a redirect to the case on success, the form again with messages otherwise.
    A form the catalogue does not allow now shows why instead of its inputs."""
    from ..domain.catalogue import inputs_of, required_inputs_of

    action = ACTIONS.get(slug)
    if action is None:
        abort(404)
    actor = current_actor()
    try:
        case = case_summary(actor, case_id, purpose=f"portal form {slug}")
    except NotFound:
        abort(404)
    command = next((c for c in commands_on(actor, case.id) if c.command == action.command), None)
    if command is None:   # the role may never run it
        abort(403)
    if action.subject is not None and subject_of(action, case, subject_id) is None:
        abort(404)
    kind = _form_kind(action, command)
    refused = refusal(actor, case.id, action.command, kind=kind, subject=subject_id)
    only = inputs_of(action.command, kind) if kind else ()
    message = f"Not possible now: {refused}." if refused else None
    values, errors, status, preview = defaults(action), {}, 409 if refused else 200, None
    if subject_id is not None and action.slug == "review":
        values["week"] = str(subject_id)
    if request.method == "POST" and not refused:
        values = request.form.to_dict()
        version = request.form.get("version", "")
        try:
            body = load(action, request.form, only)
            # the version the form was drawn from: someone else's change since then is refused, not overwritten
            options = Options(expected_version=int(version) if version.isdigit() and len(version) < 10 else -1)
            if action.preview is not None and request.form.get("confirm") != "1":
                preview = action.preview(actor, case, body, options)   # computed, shown, nothing kept
            else:
                result = action.run(actor, case, body, subject_id, options)
        except ValidationError as invalid:
            errors, status = _flat(invalid.messages), 422
            message = "Please correct the fields marked below."
        except StaleVersion:
            forget()
            message, status = ("Someone else changed this case while you were filling in the form. "
                               "It now shows their change: check it, then submit again."), 409
        except (NotPermitted, NotFound):
            abort(403)
        except DomainError as refused_now:
            forget()
            if isinstance(refused_now, InvalidValue) and refused_now.field:
                errors, status = {refused_now.field: str(refused_now)}, 422
            message, status = str(refused_now), status if status == 422 else 409
        else:
            if preview is None:
                flash(action.done(result) if callable(action.done) else action.done)
                return redirect(url_for(f"{portal}.case", case_id=case.id))
        case = case_summary(actor, case_id, purpose=f"portal form {slug}")   # as it stands now
    subject = subject_of(action, case, subject_id) if action.subject is not None else None
    options = action.options(actor, case) if action.options is not None else None
    inputs = [] if refused else describe(action.schema(), case, action.hidden, options, only=only,
                                         required=required_inputs_of(action.command, kind) if kind else ())
    return render_template("portals/action.html", portal=portal, case=case, action=action, subject=subject,
                           inputs=inputs, values=values, errors=errors, message=message, subject_id=subject_id,
                           preview=preview, refused=refused), status


def intake(portal: str):
    """The referral form: parties, job demands and health flags; the case opens through the API's service."""
    from ..domain.permissions import require
    from .actions import INTAKE, payload

    actor = current_actor()
    try:
        require(actor, "open_case")
    except NotPermitted:
        abort(403)
    hidden, options = {"clinic_id": actor.org_id}, referral_choices(actor)
    values, errors, message, status = {"referral_date": date.today().isoformat()}, {}, None, 200
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            referral = INTAKE.schema().load(payload(INTAKE.schema(), request.form, hidden))
            case = INTAKE.run(actor, None, referral, None, Options())
        except ValidationError as invalid:
            errors, status, message = _flat(invalid.messages), 422, "Please correct the fields marked below."
        except NotPermitted:
            abort(403)
        except DomainError as refused:
            forget()
            errors = {refused.field: str(refused)} if getattr(refused, "field", None) else {}
            message, status = str(refused), 422 if isinstance(refused, InvalidValue) else 409
        else:
            flash(INTAKE.done)
            return redirect(url_for(f"{portal}.case", case_id=case.id))
    return render_template("portals/action.html", portal=portal, case=None, action=INTAKE,
                           inputs=describe(INTAKE.schema(), None, hidden, options), values=values, errors=errors,
                           message=message, subject_id=None, preview=None, refused=""), status
