"""A deterministic local LLM provider for `make run` and tests: never deployed, never a real model.

It speaks OpenAI Chat Completions (`POST /v1/chat/completions`) and Anthropic Messages
(`POST /v1/messages`) closely enough for the orgair gateway and for any client of those wire formats,
answers with JSON derived from a hash of the prompt, reports usage from the text's length, and can be
told to fail (429, 5xx, hangs, malformed or truncated bodies, schema-invalid answers) so retries,
fallback and the circuit breaker can be watched. `python -m devtools.localllm --port N`.
"""
