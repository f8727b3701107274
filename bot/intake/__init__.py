"""Durable update intake: store first, confirm later, handle each update exactly once."""
