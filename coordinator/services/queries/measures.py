"""A case's weekly measures for the export and the progress report (clinical readers only)."""

from dataclasses import dataclass
from datetime import date

from ...domain.actors import Actor
from ...domain.standing import standing
from ..authorizations import latest_report
from ..facts import case_facts
from .access import case_for, is_clinical_reader
from .authorizations import authorization_usage
from .cases import CaseSummary, summary_of
from .progress import ReportDetails, report_details
from .records import ClinicalOnly
from .weeks import Week, weeks_of


@dataclass(frozen=True)
class MeasuresTable:
    """A case's weekly measures for the export and the report."""

    case: CaseSummary
    demands: dict
    weeks: list[Week]


def measures_table(actor: Actor, case_id: int, purpose: str) -> MeasuresTable:
    """Every reviewed week with capacities, demands and the clinical measures; ClinicalOnly for an employer."""
    if not is_clinical_reader(actor):
        raise ClinicalOnly("measures")
    case = case_for(actor, case_id, purpose=purpose)
    return MeasuresTable(summary_of(actor, case), {d.task: d.amount for d in case.demands}, weeks_of(actor, case))


@dataclass(frozen=True)
class ProgressReport:
    """What the progress report shows: the case, its authorizations, the latest review's report, the weeks."""

    case: CaseSummary
    program_started_on: date | None
    authorizations: list[dict]
    latest: dict | None
    table: MeasuresTable
    standing: str = ""          # what holds the case now (a pause puts the latest recommendation on hold)
    details: ReportDetails | None = None   # the clinic, the clinicians, attendance, demands with units, safety history


def progress_report(actor: Actor, case_id: int) -> ProgressReport:
    """The progress report's content (clinical readers only: ClinicalOnly for an employer), the read audited."""
    if not is_clinical_reader(actor):
        raise ClinicalOnly("progress report")
    case = case_for(actor, case_id, purpose="progress report")
    summary = summary_of(actor, case)
    table = MeasuresTable(summary, {d.task: d.amount for d in case.demands}, weeks_of(actor, case))
    latest, now = latest_report(case.id), standing(case_facts(case), clinical_reader=True)
    return ProgressReport(summary, case.program_started_on, authorization_usage(case), latest, table, now,
                          report_details(case, latest, now))
