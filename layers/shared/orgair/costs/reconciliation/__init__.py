"""Daily reconciliation of the ledger with what the providers' admin APIs say was billed.

`figures` holds the per-model token and dollar figures both sides are reduced to, `openai` and
`anthropic` read the providers' usage and cost reports (untrusted input: bounded, exact), `compare`
applies the thresholds, `run` ties a day's run together (ledger totals, store, alert once).
"""
