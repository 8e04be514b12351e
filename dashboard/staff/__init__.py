"""The staff workspace: sign-in, per-role navigation and the pages bureau and town staff use."""
