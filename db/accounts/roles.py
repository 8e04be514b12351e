"""Staff roles and what each may do: one table read by the services (server-side checks) and the navigation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from core.errors import CreditBoardError
from db.store.models import User

if TYPE_CHECKING:
    from db.accounts.actor import Actor

BUREAU_ADMIN = "bureau_admin"
BUREAU_STAFF = "bureau_staff"
TOWN_STAFF = "town_staff"
AGENCY = "agency"
ROLES: dict[str, tuple[str, str]] = {
    BUREAU_ADMIN: ("市应急管理局管理员", "Bureau administrator"),
    BUREAU_STAFF: ("市应急管理局工作人员", "Bureau staff"),
    TOWN_STAFF: ("镇街园工作人员", "Town staff"),
    AGENCY: ("机构用户", "Agency"),
}
BUREAU_ROLES = (BUREAU_ADMIN, BUREAU_STAFF)
# Roles whose account is bound to one town: they act for that town only and see only its findings.
TOWN_ROLES = (TOWN_STAFF,)

# Action → roles allowed. The staff navigation shows a page only when its action is allowed, and every
# service checks the same table again on the server side, against the account as it is in the database now.
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "record_finding": (BUREAU_ADMIN, BUREAU_STAFF, TOWN_STAFF),
    "record_interview": BUREAU_ROLES,
    "upload": BUREAU_ROLES,
    "publish": (BUREAU_ADMIN,),
    "manage_users": (BUREAU_ADMIN,),
    "manage_towns": (BUREAU_ADMIN,),
    "read_audit": (BUREAU_ADMIN,),
    "decide_listings": BUREAU_ROLES,  # blacklist listings: record and decide 信用修复 applications
    # The agency portal (issue 11): an agency account acts for its own credit code only, and holds no staff action.
    "agency_portal": (AGENCY,),
    "work_suggestions": (BUREAU_ADMIN, BUREAU_STAFF, TOWN_STAFF),  # the watch's queue; towns see only their own
    # 公示 and 异议 (db/publishing/notice.py, db/publishing/objections.py): admins open a notice; bureau staff record
    # objections from letters and resolve them, which may withdraw a finding (db/findings/withdraw.py).
    "open_notice": (BUREAU_ADMIN,),
    "resolve_objections": BUREAU_ROLES,
    "withdraw_finding": BUREAU_ROLES,
    # Spot-checks (db/spotcheck): the expert pool, plans, the draw and check results are the bureau admin's.
    "spot_check": (BUREAU_ADMIN,),
    # 拒不整改报告 (db/supervision/hazard_reports.py): staff enter paper reports and acknowledge and close them; a town
    # works the reports addressed to it, the bureau every one. Agencies file theirs on the portal (agency_portal).
    "work_hazard_reports": (BUREAU_ADMIN, BUREAU_STAFF, TOWN_STAFF),
    "read_documents": BUREAU_ROLES,  # agencies' filed scans (承诺书, 附件1) go to the bureau (第九条): never public
    # 一企双查 (第十五条, db/supervision/): a town records its own inspections and refers 1.x conduct to the bureau,
    # which alone confirms or dismisses a referral; every staff role reads the 服务成效 counts (a town its own).
    "inspect": (TOWN_STAFF,),
    "decide_referrals": BUREAU_ROLES,
    "read_supervision": (BUREAU_ADMIN, BUREAU_STAFF, TOWN_STAFF),
}
STAFF_ROLES = (BUREAU_ADMIN, BUREAU_STAFF, TOWN_STAFF)

# What a signed-in session says of its account (db/accounts/account_view.py), or an Actor's claims(): enough for
# the navigation to decide what to show. Services never trust it: they re-read the account (db/accounts/actor.py).
Claims = Mapping[str, Any]


class AccessDenied(CreditBoardError):
    """An action refused to this user; the message is bilingual and safe to show."""

    def __init__(self, message_zh: str = "无权执行此操作", message_en: str = "you may not do this"):
        super().__init__(message_zh, message_en)


def require_role(user: Claims | Actor | None, *roles: str) -> Claims:
    """`user` if it is an active account holding one of `roles`; AccessDenied otherwise (also when not signed in)."""
    if user is not None and not isinstance(user, Mapping):
        user = user.claims()  # an Actor: what it says of its account (the command line's operator claims no role)
    if not user or not user.get("username"):
        raise AccessDenied("请先登录", "sign in first")
    if not user.get("active", True):
        raise AccessDenied("账号已停用", "this account is deactivated")
    if user.get("role") not in roles:
        raise AccessDenied()
    return user


def require(user: Claims | Actor | None, action: str) -> Claims:
    """`user` if the table lets it perform `action`; AccessDenied otherwise."""
    return require_role(user, *PERMISSIONS[action])


def is_town_role(role: str | None) -> bool:
    """True for a role bound to one town (its account names the town it acts for)."""
    return role in TOWN_ROLES


def own_town(user: Claims | User) -> str | None:
    """The town a town-bound account acts for; None for bureau roles (they act for the bureau)."""
    role, town = (user.role, user.town) if isinstance(user, User) else (user.get("role"), user.get("town"))
    return town if is_town_role(role) else None


def is_staff_role(role: str | None) -> bool:
    """True for a staff role (the staff workspace's pages); False for an agency account or no role."""
    return role in STAFF_ROLES


def is_agency_role(role: str | None) -> bool:
    """True for an agency account: bound to one credit code, never a staff page or action."""
    return role == AGENCY


def may(user: Claims | Actor | None, action: str) -> bool:
    """True when `user` may perform `action` (used to build the navigation; services still check)."""
    try:
        require(user, action)
    except AccessDenied:
        return False
    return True
