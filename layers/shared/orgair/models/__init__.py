"""Request and response models of the HTTP API (the OpenAPI documents are generated from them)."""
