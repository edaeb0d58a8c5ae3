"""``MustRecord``: a refusal that must be on the record even though the action is undone. The command registry
(``kernel/commands.py``) catches it; it lives apart from the registry so that a module that raises or reads
refusals (``charter/enforce.py``, under every query) does not load the registry's pydantic."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from remit.kernel.errors import RemitError
    from remit.kernel.uow import UnitOfWork


class MustRecord(Exception):
    """Raised by a handler for a refusal that must be on the record even though the action is undone."""

    def record(self, uow: UnitOfWork) -> RemitError:
        raise NotImplementedError
