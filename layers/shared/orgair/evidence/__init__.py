"""Evidence documents: what an assessment read, kept in S3 so it can be re-assessed and audited.

`documents` holds the key layout, the pre-signed upload (`issue_upload`), keeping inline text
(`keep_inline`) and reading a document back bounded and tenant-isolated (`load_evidence`).
"""
