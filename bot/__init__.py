"""Adal: a bilingual Telegram bot for anti-corruption citizen reports."""
