"""Staff accounts: users, passwords, sign-in throttling, roles and their permissions, and the audit log."""
