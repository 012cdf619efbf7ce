"""Admission screening at referral: which program fits the job, and which criteria are unmet."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .calendar import add_months
from .demands import DemandLevel, JobDemand, at_least, job_demand_level
from .errors import InvalidValue
from .policies import PolicyRef, Reason, reason
from .scales import require_range


class ProgramType(StrEnum):
    """Work hardening (job-specific, multidisciplinary) or work conditioning (general fitness)."""

    WORK_HARDENING = "work_hardening"
    WORK_CONDITIONING = "work_conditioning"


@dataclass(frozen=True)
class ScreeningPolicy:
    """A payer's admission criteria; the default follows California MTUS-style criteria."""

    ref: PolicyRef = PolicyRef(
        "admission-screening", "2026.1",
        "[src] California MTUS work conditioning/hardening criteria; "
        "[src] Washington L&I work rehabilitation levels (program type by job level)",
    )
    hardening_from_level: DemandLevel = DemandLevel.MEDIUM
    min_hours_per_day_hardening: float = 4.0
    min_hours_per_day_conditioning: float = 2.0
    min_days_per_week: int = 3
    max_months_since_injury: int = 24


DEFAULT_SCREENING_POLICY = ScreeningPolicy()


@dataclass(frozen=True, kw_only=True)
class AdmissionFacts:
    """What the referral says about the worker, the job and the injury."""

    date_of_injury: date
    referral_date: date
    therapy_plateaued: bool
    hours_per_day_available: float
    days_per_week_available: int
    rtw_goal_agreed_by_employer: bool
    rtw_goal_agreed_by_worker: bool
    prior_completed_program_same_injury: bool = False
    job_level: DemandLevel | None = None
    job_demands: tuple[JobDemand, ...] = ()

    def __post_init__(self):
        if self.referral_date < self.date_of_injury:
            raise InvalidValue("the referral cannot precede the injury", field="referral_date")
        require_range(self.hours_per_day_available, (0, 24), field="hours_per_day_available",
                      what="hours per day available")
        require_range(self.days_per_week_available, (0, 7), field="days_per_week_available",
                      what="days per week available")
        object.__setattr__(self, "job_demands", tuple(self.job_demands))
        if self.job_level is None and not self.job_demands:
            raise InvalidValue("give the job's demand level or its demands", field="job_level")
        if self.job_level is not None:
            object.__setattr__(self, "job_level", DemandLevel(self.job_level))

    @property
    def effective_job_level(self) -> DemandLevel:
        """The stated job level, else the heaviest level the job's demands imply."""
        return self.job_level or job_demand_level(list(self.job_demands))


@dataclass(frozen=True)
class ScreeningResult:
    """Admission flags: `eligible` only when no criterion is flagged; never a silent refusal."""

    eligible: bool
    program_type: ProgramType
    job_level: DemandLevel
    flags: tuple[Reason, ...]
    reasons: tuple[Reason, ...]
    policy: PolicyRef


def program_type(job_level: DemandLevel,
                 policy: ScreeningPolicy = DEFAULT_SCREENING_POLICY) -> ProgramType:
    """Work hardening for jobs at the policy's level (medium) or heavier, conditioning below."""
    if at_least(job_level, policy.hardening_from_level):
        return ProgramType.WORK_HARDENING
    return ProgramType.WORK_CONDITIONING


def screen_admission(facts: AdmissionFacts,
                     policy: ScreeningPolicy = DEFAULT_SCREENING_POLICY) -> ScreeningResult:
    """Check a referral against the admission criteria and list every unmet one as a flag."""
    level = facts.effective_job_level
    kind = program_type(level, policy)
    flags = (*_clinical_flags(facts), *_attendance_flags(facts, kind, policy),
             *_goal_flags(facts), *_history_flags(facts, policy))
    why = reason("program_type", f"a {level.replace('_', ' ')} job calls for "
                 f"{kind.replace('_', ' ')} (work hardening from {policy.hardening_from_level} up)")
    return ScreeningResult(not flags, kind, level, flags, (why, *flags), policy.ref)


def _clinical_flags(facts: AdmissionFacts) -> tuple[Reason, ...]:
    if facts.therapy_plateaued:
        return ()
    return (reason("therapy_not_plateaued",
                   "conventional therapy has not plateaued: the worker may still gain from it"),)


def _attendance_flags(facts: AdmissionFacts, kind: ProgramType,
                      policy: ScreeningPolicy) -> tuple[Reason, ...]:
    flags = []
    min_hours = (policy.min_hours_per_day_hardening if kind is ProgramType.WORK_HARDENING
                 else policy.min_hours_per_day_conditioning)
    if facts.hours_per_day_available < min_hours:
        flags.append(reason("hours_per_day_too_few",
                            f"{kind.replace('_', ' ')} needs at least {min_hours:g} h/day; "
                            f"the worker can attend {facts.hours_per_day_available:g} h"))
    if facts.days_per_week_available < policy.min_days_per_week:
        flags.append(reason("days_per_week_too_few",
                            f"the program needs at least {policy.min_days_per_week} days/week; the "
                            f"worker can attend {facts.days_per_week_available}"))
    return tuple(flags)


def _goal_flags(facts: AdmissionFacts) -> tuple[Reason, ...]:
    flags = []
    if not facts.rtw_goal_agreed_by_employer:
        flags.append(reason("rtw_goal_not_agreed_by_employer",
                            "the employer has not agreed to the return-to-work goal"))
    if not facts.rtw_goal_agreed_by_worker:
        flags.append(reason("rtw_goal_not_agreed_by_worker",
                            "the worker has not agreed to the return-to-work goal"))
    return tuple(flags)


def _history_flags(facts: AdmissionFacts, policy: ScreeningPolicy) -> tuple[Reason, ...]:
    flags = []
    if facts.referral_date > add_months(facts.date_of_injury, policy.max_months_since_injury):
        flags.append(reason("injury_too_old",
                            f"the injury was more than {policy.max_months_since_injury} months "
                            "before the referral"))
    if facts.prior_completed_program_same_injury:
        flags.append(reason("re_enrollment",
                            "a program for this injury was already completed (no re-enrollment)"))
    return tuple(flags)


def age_at(born: date, on: date) -> int:
    """Whole years of age on a day."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def working_age_at(born: date, on: date) -> bool:
    """A plausible age for an injured worker: 14 to 100 years on the day of injury."""
    return 14 <= age_at(born, on) <= 100
