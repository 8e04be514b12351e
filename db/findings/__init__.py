"""Findings (扣分记录) and interviews (约谈) as staff record them, withdraw them, and the watch's suggestions to confirm."""
