from accounts.models.identity import DigitalIdentity, ExternalAccount
from accounts.models.membership import (
    EmploymentForm,
    Membership,
    MembershipApplication,
    MembershipEvent,
    TransferRequest,
)
from accounts.models.privacy import ConsentRecord
from accounts.models.roles import Role, RoleAssignment
from accounts.models.sms import SmsCode
from accounts.models.union import UnionOrganization
from accounts.models.user import User, UserManager
from accounts.models.wallet import Credential, UsedCredentialToken

__all__ = [
    "ConsentRecord",
    "Credential",
    "DigitalIdentity",
    "EmploymentForm",
    "ExternalAccount",
    "Membership",
    "MembershipApplication",
    "MembershipEvent",
    "Role",
    "RoleAssignment",
    "SmsCode",
    "TransferRequest",
    "UnionOrganization",
    "UsedCredentialToken",
    "User",
    "UserManager",
]
