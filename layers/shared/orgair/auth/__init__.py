"""Callers, their API keys and their scopes."""
