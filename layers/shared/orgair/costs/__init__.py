"""LLM cost governance: money, prices, budgets, the ledger and the scheduled budget check.

`money`, `pricing` and `budget` are pure; `ledger` (with `ledger_base`, `reported` and
`tenant_costs`) and `check` drive a `CostsRepository` (`orgair.dal.costs`, the only package that
knows how CostsTable items are laid out). See docs/cost-governance.md.
"""
