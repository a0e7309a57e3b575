"""LLM access: one HTTP client per container, OpenAI and Anthropic wire formats, retries, fallback,
circuit breakers, and a reservation on the cost ledger before every attempt that may be billed."""
