"""Supervision by the towns and the bureau (第十三条 – 第十六条): hazard-refusal reports and, beside them, the towns'
inspections. Above publishing and findings (it may record findings), below the agency portal and the uploads."""
