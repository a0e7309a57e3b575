"""LLM cost governance: money, prices, budgets, the ledger and the scheduled budget check.

`money`, `pricing` and `budget` are pure; `ledger` and `check` drive `orgair.dal.costs`, the only
module that knows how CostsTable items are laid out. See docs/cost-governance.md.
"""
