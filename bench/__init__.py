"""The performance benchmark of orgair (`make bench`); see docs/performance.md."""
