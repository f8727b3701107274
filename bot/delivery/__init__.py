"""Sending what the outbox holds: rendering payloads with views and calling the Bot API.

Handlers answer updates; this package delivers what actions queued. Both use `bot.views`.
"""
