"""Supervision by towns and the bureau (第十三条–第十六条): 一企双查 inspections, referrals (上报), 服务成效."""
