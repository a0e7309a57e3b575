"""Application logic: what each endpoint does, over the pure domain and the data-access modules."""
