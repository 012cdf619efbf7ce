"""The portal form view: render an action's form, validate it like the API, run the service, or say why not."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for

from ..auth.sessions import current_actor
from ..domain.errors import DomainError, InvalidValue
from ..domain.permissions import NotPermitted
from ..services.queries.access import forget
from ..services.queries.records import accepted_offer
from ..services.queries.cases import case_summary, commands_on, form_read, referral_choices, refusal
from ..services.unit_of_work import NotFound, Options, StaleVersion
from marshmallow import fields

from .actions import ACTIONS, ValidationError, defaults, describe, load, subject_of
from .common import next_step
from .wording import by_input, field_errors, label_of, plain


def _errors(messages, schema) -> tuple[dict[str, str], list[dict]]:
    """The schema's messages in plain words: by input (beside each) and as the summary at the top."""
    summary = field_errors(messages, schema)
    return by_input(summary), summary


def _refusal_errors(refused: DomainError) -> tuple[dict[str, str], list[dict]]:
    """A domain rule's refusal naming one input: the message beside it and in the summary."""
    field = getattr(refused, "field", None)
    if not field:
        return {}, []
    summary = [{"id": f"f-{field}", "label": label_of(field, fields.Raw()), "text": plain(str(refused))}]
    return by_input(summary), summary


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
        read = form_read(actor, case_id, purpose=f"portal form {slug}")
    except NotFound:
        abort(404)
    case, facts = read.case, read.facts   # read once for the form's commands and for why it may not run now
    command = next((c for c in commands_on(actor, case.id, facts) if c.command == action.command), None)
    if command is None:   # the role may never run it
        abort(403)
    if action.subject is not None and subject_of(action, case, subject_id) is None:
        abort(404)
    kind = _form_kind(action, command)
    refused = refusal(actor, case.id, action.command, kind=kind, subject=subject_id, facts=facts)
    only = inputs_of(action.command, kind) if kind else ()
    message = f"Not possible now: {refused}." if refused else None
    values, errors, status, preview, summary = defaults(action), {}, 409 if refused else 200, None, []
    if subject_id is not None and action.slug == "review":
        values["week"] = str(subject_id)
    if request.method == "POST" and not refused:
        values = request.form.to_dict()
        version = request.form.get("version", "")
        try:
            body = load(action, request.form, only, files=request.files)
            # the version the form was drawn from: someone else's change since then is refused, not overwritten
            options = Options(expected_version=int(version) if version.isdigit() and len(version) < 10 else -1)
            if action.preview is not None and request.form.get("confirm") != "1":
                preview = action.preview(actor, case, body, options)   # computed, shown, nothing kept
            else:
                result = action.run(actor, case, body, subject_id, options)
        except ValidationError as invalid:
            (errors, summary), status = _errors(invalid.messages, action.schema()), 422
            message = None
        except StaleVersion:
            forget()
            message, status = ("Someone else changed this case while you were filling in the form. "
                               "It now shows their change: check it, then submit again."), 409
        except (NotPermitted, NotFound):
            abort(403)
        except DomainError as refused_now:
            forget()
            if isinstance(refused_now, InvalidValue) and refused_now.field:
                (errors, summary), status = _refusal_errors(refused_now), 422
            message, status = plain(str(refused_now)), status if status == 422 else 409
        else:
            if preview is None:
                # back to the inbox, saying what happened and who acts next; a red flag as an alert
                words = action.done(result) if callable(action.done) else action.done
                alert = action.alert is not None and action.alert(result)
                flash(f"Claim {case.claim_number}: {words} {next_step(actor, case.id)}", "alert" if alert else "done")
                return redirect(url_for(f"{portal}.home"))
        case = case_summary(actor, case_id, purpose=f"portal form {slug}")   # as it stands now
    subject = subject_of(action, case, subject_id) if action.subject is not None else None
    # what a milestone's confirmation needs beside it: the duties agreed (the accepted offer's tasks)
    duties = accepted_offer(case.id, read.record.offers) if action.slug == "confirm-milestone" and subject is not None else None
    paper = _paper_for(action, read) if action.command.startswith("sign_") else None
    options = action.options(actor, case) if action.options is not None else None
    inputs = [] if refused else describe(action.schema(), case, action.hidden, options, only=only,
                                         required=required_inputs_of(action.command, kind) if kind else ())
    return render_template("portals/action.html", portal=portal, case=case, action=action, subject=subject,
                           inputs=inputs, values=values, errors=errors, message=message, subject_id=subject_id,
                           preview=preview, refused=refused, summary=summary, duties=duties, paper=paper), status


def _paper_for(action, read) -> dict | None:
    """The paper a signature form signs, as it stands, with the restrictions its return-to-work plan keeps to."""
    from datetime import date as day

    from ..services.rtw import work_status
    from ..services.signatures import paper_views

    record = read.record
    found = paper_views(read.row, record.offers, record.restrictions, list(record.signatures),
                        only=action.command.removeprefix("sign_"))
    if not found:
        return None
    lines = work_status(read.row, day.today(), clinical=False, restrictions=record.restrictions,
                        milestones=record.milestones)["restrictions"]
    return {"view": found[0], "restrictions": lines}


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
    values, errors, message, status, summary = {"referral_date": date.today().isoformat()}, {}, None, 200, []
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            referral = INTAKE.schema().load(payload(INTAKE.schema(), request.form, hidden))
            case = INTAKE.run(actor, None, referral, None, Options())
        except ValidationError as invalid:
            (errors, summary), status = _errors(invalid.messages, INTAKE.schema()), 422
        except NotPermitted:
            abort(403)
        except DomainError as refused:
            forget()
            errors, summary = _refusal_errors(refused)
            message, status = plain(str(refused)), 422 if isinstance(refused, InvalidValue) else 409
        else:
            flash(f"Claim {case.claim_number}: {INTAKE.done} {next_step(actor, case.id)}", "done")
            return redirect(url_for(f"{portal}.case", case_id=case.id))
    return render_template("portals/action.html", portal=portal, case=None, action=INTAKE,
                           inputs=describe(INTAKE.schema(), None, hidden, options), values=values, errors=errors,
                           message=message, subject_id=None, preview=None, refused="", summary=summary), status
