"""Helpers shared by the tests: Lambda events, contexts and handler loading."""
