"""Typed records of every stored item: what the repositories read and write and the features use.

A neutral package: its modules import only the standard library and pydantic, never another orgair
package, so features and data access can both depend on it without a cycle (the import contracts
in pyproject.toml, checked by tests/unit/test_import_contracts.py).
"""
