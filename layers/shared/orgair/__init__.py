"""orgair: the shared Lambda layer (settings, scoring, costs, observability, data access)."""

__version__ = "0.1.0"
