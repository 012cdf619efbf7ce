"""The approvals board page and its CSV (case managers and insurers): the open requests with their clocks, and each
insurer's turnaround, outcomes and late decisions over a chosen period, with a chart of turnaround by week."""

from datetime import date, timedelta

from flask import abort, render_template, request

from ..auth.sessions import current_actor
from ..domain.stages import Stage
from ..services.queries.approvals import (LATENESS, BoardFilters, NotOnBoard, approvals_board, board_choices,
                                          insurer_records, turnaround_by_week)
from .charts import PLOT, FONT, DOT, HEIGHT, WIDTH, nice_ticks, polyline, x_slots, x_ticks, y_of, y_ticks
from .exports import _csv

PER_PAGE = 50
PERIOD_DAYS = 90
COLOURS = ("#12365c", "#8a1c1c", "#2e6b30", "#7a4f00", "#5b2a86")   # one line per insurer, dark on white
LATENESS_WORDS = {"late": "Late", "due_soon": "Due within 48 hours", "on_time": "On time"}


def board_filters() -> BoardFilters:
    """The board's filters from the query string, read leniently (a typo narrows nothing)."""
    def number(name):
        value = request.args.get(name, "")
        return int(value) if value.isdigit() and len(value) < 10 else None

    stage, lateness = request.args.get("stage", ""), request.args.get("lateness", "")
    return BoardFilters(insurer_id=number("insurer"), clinic_id=number("clinic"),
                        stage=stage if stage in {s.value for s in Stage} else "",
                        lateness=lateness if lateness in LATENESS else "", page=max(1, number("page") or 1))


def period() -> tuple[date, date, str]:
    """The period of the turnaround figures: from and to (both included; the last 90 days by default), and what
    was wrong with the dates typed, in words ("" when nothing was)."""
    end, start, problem = date.today(), date.today() - timedelta(days=PERIOD_DAYS - 1), ""
    try:
        if request.args.get("to"):
            end = date.fromisoformat(request.args["to"])
        if request.args.get("from"):
            start = date.fromisoformat(request.args["from"])
    except ValueError:
        return date.today() - timedelta(days=PERIOD_DAYS - 1), date.today(), \
            "Enter the period's dates as year-month-day; the last 90 days are shown."
    if start > end:
        return date.today() - timedelta(days=PERIOD_DAYS - 1), date.today(), \
            "The period starts after it ends; the last 90 days are shown."
    return start, end, problem


def render_board(portal: str):
    """The board: open requests with their clocks, then the insurers' records over the period, with the chart."""
    actor = current_actor()
    filters = board_filters()
    start, end, problem = period()
    try:
        found = approvals_board(actor, filters, PER_PAGE)
        records = insurer_records(actor, start, end)
        weeks = turnaround_by_week(actor, start, end)
    except NotOnBoard:
        abort(404)
    names = {r.insurer_id: r.insurer for r in records}
    return render_template("portals/approvals.html", portal=portal, board=found, filters=filters,
                           choices=board_choices(actor), stages=list(Stage), lateness=LATENESS_WORDS,
                           records=records, start=start, end=end, problem=problem,
                           chart=turnaround_chart(weeks, names, start, end), insurer_view=portal == "insurer")


def board_csv(portal: str):
    """The board's open requests (with the page's filters, every page) as CSV."""
    actor = current_actor()
    filters = board_filters()
    rows = [["Request", "Claim", "Worker", "Insurer", "Clinic", "Stage", "Kind", "Appeal", "Expedited", "Status",
             "Submitted", "Due (UTC)", "Late", "Clock"]]
    page = 1
    try:
        while True:
            found = approvals_board(actor, BoardFilters(**{**filters.__dict__, "page": page}), 500)
            rows += [[r.id, r.claim_number, r.worker_name, r.insurer, r.clinic, r.stage, r.kind,
                      "yes" if r.appeal else "no", "yes" if r.expedited else "no", r.status,
                      r.submitted_on.isoformat(), r.due_at.strftime("%Y-%m-%d %H:%M"), "yes" if r.clock.late else "no",
                      r.clock.words] for r in found.items]
            if page * found.per_page >= found.total:
                break
            page += 1
    except NotOnBoard:
        abort(404)
    return _csv(rows, f"approvals-{date.today().isoformat()}.csv")


def turnaround_chart(weeks: list, names: dict[int, str], start: date, end: date) -> dict | None:
    """Mean turnaround in days by week of the period (every week on the axis, a week without a decision left
    blank), one line per insurer, as SVG positions; None without a decision."""
    if not weeks:
        return None
    first, last = start - timedelta(days=start.weekday()), end - timedelta(days=end.weekday())
    mondays = [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
    xs = dict(zip(mondays, x_slots(len(mondays))))
    ticks = nice_ticks(max(w.mean_days for w in weeks))
    top = ticks[-1]
    lines = []
    for n, insurer_id in enumerate(sorted({w.insurer_id for w in weeks}, key=lambda i: names.get(i, ""))):
        own = [w for w in weeks if w.insurer_id == insurer_id]
        points = [(xs[w.week_of], y_of(w.mean_days, top)) for w in own]
        # a line joins consecutive weeks only: a week without a decision breaks it
        segments, run = [], [points[0]]
        for (before, after), point in zip(zip(own, own[1:]), points[1:]):
            if (after.week_of - before.week_of).days > 7:
                segments.append(run)
                run = []
            run.append(point)
        segments.append(run)
        lines.append({"insurer": names.get(insurer_id, str(insurer_id)), "colour": COLOURS[n % len(COLOURS)],
                      "segments": [polyline(run) for run in segments if len(run) > 1], "dots": points,
                      "weeks": [(w.week_of, w.mean_days, w.decisions) for w in own]})
    return {"lines": lines, "y_ticks": y_ticks(ticks), "x_ticks": x_ticks([m.strftime("%d %b") for m in mondays]),
            "y_title": "Days to decide (mean)", "width": WIDTH, "height": HEIGHT, "plot": PLOT, "font": FONT,
            "dot": DOT}
