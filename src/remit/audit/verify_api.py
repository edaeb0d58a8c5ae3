"""GET /api/v1/audit/verify: the team's chain checked, and replayed against its tables."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from remit.api.deps import Caller, StoreDep
from remit.api.schemas import ERRORS
from remit.audit import replay

router = APIRouter(prefix="/api/v1", tags=["ledger"])


@router.get(
    "/audit/verify",
    responses=ERRORS,
    summary="Verify the team's audit hash chain and replay it against the tables",
)
def verify_audit(store: StoreDep, caller: Caller) -> dict[str, Any]:
    """``ok`` is false if the chain is broken (``first_bad``, ``problem``) or if a table differs from what
    the chain's events rebuild (``differences``: table, row, field, expected from the chain, found in the
    table). An intact chain is replayed (``replayed``); a broken one is not."""
    (report,) = replay.verify(uow=store.uow(), team=caller.team)
    return report.as_dict()
