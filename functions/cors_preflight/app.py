"""CORS preflight (OPTIONS) of every route, deployed only when the CorsOrigins parameter is set.

No route is registered: the resolver answers any OPTIONS with 204 and, for an allowed Origin, the
CORS headers of `orgair.http.create_app` (the same ones every other function puts on its answers).
A preflight carries no Authorization header, so API Gateway calls this without the authorizer.
"""

from orgair.http import create_app, make_handler

app = create_app()
lambda_handler = make_handler(app)
