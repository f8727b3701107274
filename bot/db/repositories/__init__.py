"""Repositories: plain SQL in, dataclasses out. One module per table group."""
