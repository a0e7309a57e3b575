"""`CostsStore`: the CostsTable implementation of `CostsRepository`, assembled from its parts."""

from __future__ import annotations

from orgair.dal.costs.alerts import AlertClaims
from orgair.dal.costs.budgets import Budgets
from orgair.dal.costs.job_reservations import JobReservations
from orgair.dal.costs.ledger_reads import LedgerReads


class CostsStore(JobReservations, Budgets, LedgerReads, AlertClaims):
    """Reads and atomic writes of CostsTable. Every call fails closed (DependencyUnavailable).

    Holds and settlement (`settlement`), job reservations (`job_reservations`), counters and tenant
    budgets (`budgets`), ledger lines, the day index and holds read back (`ledger_reads`) and alert
    claims (`alerts`) share one table and client (`table.CostsTable`).
    """
