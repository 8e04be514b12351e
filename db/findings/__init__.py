"""Findings as staff record them one at a time (扣分记录, 约谈), and the towns that assess them."""
