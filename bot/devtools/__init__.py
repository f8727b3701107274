"""Developer tools: local stand-ins for external services used in tests and sandboxes."""
