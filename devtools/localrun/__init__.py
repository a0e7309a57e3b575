"""The Docker-free local runner: `sam local start-api` and `sam local invoke` in-process.

`serve` emulates API Gateway (stages, routes, the Lambda authorizer, gateway responses) in front of
the template's functions, with the embedded DynamoDB behind them; `invoke` runs one function once.
"""
