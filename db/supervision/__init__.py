"""Supervision by the towns and the bureau (第十三条 – 第十五条): hazard-refusal reports, 一企双查 inspections,
referrals (上报) and 服务成效. Above publishing and findings (it records findings), below the portal and the uploads."""
