"""Operating the bot: backups and restores, the key check, the one-instance lock."""
