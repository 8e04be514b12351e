"""Spot-checks (监督抽查, 第十六条): the expert pool, announced plans, the draw anyone can re-run, check results."""
