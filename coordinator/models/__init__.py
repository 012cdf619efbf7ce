"""SQLAlchemy models, one module per aggregate; importing this registers every table."""

from .api import IdempotencyRecord
from .automation import CaseSchedule, CaseTask, Notification, PendingRow
from .authorization import Authorization
from .case import Case, JobDemandRow
from .document import Document
from .clinical import CapacityMeasure, Clearance, ProgramSession, WeeklyReview, WeeklyTarget
from .duty import DutyOffer, RestrictionSet
from .identity import ExternalIdentity, UserSession
from .invitation import WorkerInvitation
from .oauth import OAuth2AuthorizationCode, OAuth2Client, OAuth2Token
from .org import Organisation, User
from .rtw import FollowUp, Milestone
from .signature import Signature
from .worker_report import WorkerReport
from .timeline import AuditCheckpoint, AuditEntry, AuditPending, CaseEvent, OutboxRow

__all__ = [
    "AuditCheckpoint", "AuditEntry", "AuditPending", "Authorization", "CaseSchedule", "CaseTask", "Notification", "PendingRow", "ExternalIdentity", "OAuth2AuthorizationCode", "OAuth2Client",
    "OAuth2Token", "UserSession", "CapacityMeasure", "Case", "CaseEvent", "Clearance", "DutyOffer", "Document",
    "FollowUp", "IdempotencyRecord", "JobDemandRow", "Milestone", "Organisation", "OutboxRow", "ProgramSession",
    "RestrictionSet", "Signature", "User", "WeeklyReview", "WeeklyTarget", "WorkerInvitation", "WorkerReport",
]
