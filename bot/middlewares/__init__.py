"""Middlewares: identity (pseudonym and user row) first, then locale."""
