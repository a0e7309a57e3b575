"""Thin data-access modules over the low-level DynamoDB client. No business rules here."""
