"""The aid services' tables: 困难职工帮扶 (hardship applications, their documents, steps and
disbursements) and 职工互助保障 (plans, enrolments, claims and their documents)."""

from aid.models.hardship import (
    AidForm,
    HardshipApplication,
    HardshipDisbursement,
    HardshipDocument,
    HardshipReason,
    HardshipStatus,
    HardshipStep,
)
from aid.models.mutual import (
    ClaimDocument,
    ClaimStatus,
    EnrolmentStatus,
    MutualClaim,
    MutualEnrolment,
    MutualPlan,
    Payer,
    PlanKind,
)

__all__ = [
    "AidForm",
    "ClaimDocument",
    "ClaimStatus",
    "EnrolmentStatus",
    "HardshipApplication",
    "HardshipDisbursement",
    "HardshipDocument",
    "HardshipReason",
    "HardshipStatus",
    "HardshipStep",
    "MutualClaim",
    "MutualEnrolment",
    "MutualPlan",
    "Payer",
    "PlanKind",
]
