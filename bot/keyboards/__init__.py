"""Keyboard builders and callback data. Labels arrive translated or come from gettext."""
