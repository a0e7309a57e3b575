"""`make demo` (`python -m devtools.demo`): a guided tour of the running local API.

It drives the API that `make run` serves (started in another shell; the tour waits for it and says
how to start it when nothing answers) through the whole journey of docs/api.md: a tenant key made
with the operator's CLI (`orgair keys create` on the runner's embedded DynamoDB), a score on v1 and
on v2, a simulation with parameter overrides, the company's history, a 500-company portfolio, a
jump that opens a human review, the review queue and a decision, an LLM assessment (the local LLM
stand-in answers) with its ledger lines, a 20-company background job (POST /v2/portfolios/assessments,
worked from the runner's queue) followed to its end, a budget refusal (a 429 with Retry-After, after
`orgair budgets set` gave the tenant a daily budget equal to what it has spent), the budget check run
on demand and the alert it published (`/_local/published`), and the tenant's cost summary and
ledger. It prints one line per step: the request, its status and the fact that matters.

Every run uses a new tenant (`demo-<random>`), so runs never see each other's scores, reviews,
spend or alerts. It talks only to loopback, needs no provider key or AWS credentials, and exits 1
as soon as a step does not answer as expected (2 when the API or its DynamoDB cannot be reached).
"""
