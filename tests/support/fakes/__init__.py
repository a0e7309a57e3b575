"""In-memory fakes of the repositories, for tests of the logic above them.

Each fake keeps the contract its repository's protocol states and passes the same contract suite
(tests/contract/) as the DynamoDB implementation, so a test over a fake proves what it would over
the store.
"""
