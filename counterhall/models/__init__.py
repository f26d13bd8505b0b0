"""The hall's core models, one module per concept; import them from here.

- base: TimeStampedModel, the region code
- halls: Hall, Window, StaffProfile
- catalogue: BusinessType, RequiredDocument
- parameters: PolicyParameter, CalendarDay
- case: Case (and its state machine), Signature, CaseSequence
- audit: AuditEntry, AuditSeal
- delegation: Delegation (a role handed to a colleague while away)
- pages: DocumentPage (the scanned pages of the electronic case file)
- spotcheck: SpotCheckSample, SpotCheckFinding (抽查)
- visit: Visit (ticket to end of service), VisitSequence, VisitRating, Rectification
- bundle: Bundle, BundleItem (一件事), BundleIntake (one taken in)
- poll: PollVersion (what a hall's live fragments show, for cheap polls)
"""

from counterhall.models.audit import AuditEntry, AuditSeal
from counterhall.models.base import NATIONAL_REGION, TimeStampedModel, region_validator
from counterhall.models.bundle import Bundle, BundleIntake, BundleItem
from counterhall.models.case import (
    OPEN_STATES,
    TERMINAL_STATES,
    Case,
    CaseSequence,
    CaseState,
    DocumentStatus,
    Signature,
    documents_complete,
    has_missing_documents,
    is_claimed,
    window_fits_type,
)
from counterhall.models.catalogue import (
    BusinessCategory,
    BusinessType,
    CompletionMode,
    RequiredDocument,
)
from counterhall.models.delegation import DELEGABLE_ROLES, Delegation
from counterhall.models.halls import (
    ONE_SPECIAL_WINDOW_MESSAGE,
    Hall,
    StaffProfile,
    Window,
    WindowKind,
)
from counterhall.models.metrics import MetricDay, MetricGrain, MetricPeriod
from counterhall.models.pages import DocumentPage, PageType
from counterhall.models.parameters import (
    CalendarDay,
    CalendarDayKind,
    ParameterTag,
    PolicyParameter,
)
from counterhall.models.poll import PollVersion
from counterhall.models.spotcheck import FindingVerdict, SpotCheckFinding, SpotCheckSample
from counterhall.models.visit import (
    OPEN_VISIT_STATUSES,
    POOR_GRADES,
    TICKET_PREFIX,
    RatingGrade,
    Rectification,
    Visit,
    VisitCategory,
    VisitRating,
    VisitSequence,
    VisitStatus,
)

__all__ = [
    "DELEGABLE_ROLES",
    "NATIONAL_REGION",
    "ONE_SPECIAL_WINDOW_MESSAGE",
    "OPEN_STATES",
    "OPEN_VISIT_STATUSES",
    "POOR_GRADES",
    "TERMINAL_STATES",
    "TICKET_PREFIX",
    "AuditEntry",
    "AuditSeal",
    "Bundle",
    "BundleIntake",
    "BundleItem",
    "BusinessCategory",
    "BusinessType",
    "CalendarDay",
    "CalendarDayKind",
    "Case",
    "CaseSequence",
    "CaseState",
    "CompletionMode",
    "Delegation",
    "DocumentPage",
    "DocumentStatus",
    "FindingVerdict",
    "Hall",
    "MetricDay",
    "MetricGrain",
    "MetricPeriod",
    "PageType",
    "ParameterTag",
    "PolicyParameter",
    "PollVersion",
    "RatingGrade",
    "Rectification",
    "RequiredDocument",
    "Signature",
    "SpotCheckFinding",
    "SpotCheckSample",
    "StaffProfile",
    "TimeStampedModel",
    "Visit",
    "VisitCategory",
    "VisitRating",
    "VisitSequence",
    "VisitStatus",
    "Window",
    "WindowKind",
    "documents_complete",
    "has_missing_documents",
    "is_claimed",
    "region_validator",
    "window_fits_type",
]
