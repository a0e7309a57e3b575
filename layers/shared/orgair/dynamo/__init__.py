"""The one DynamoDB core under every repository: the attribute-value codec (`codec`), the one
transaction (`transact`) and the one conditional write (`writes`).

Clients come from `orgair.aws` (the one place AWS clients are built). Nothing here knows a table's
layout or a business rule; an unreachable or throttled store fails closed as DependencyUnavailable.
"""
