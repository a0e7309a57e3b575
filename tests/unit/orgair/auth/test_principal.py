"""Scopes a principal holds: `admin` grants every scope, `assessments:write` also grants
`assessments:read`, and nothing else grants anything beyond itself."""

from __future__ import annotations

import pytest
from orgair.auth.principal import SCOPES, Principal, granting
from orgair.errors import Forbidden


def principal(*scopes: str) -> Principal:
    return Principal(tenant_id="acme", scopes=frozenset(scopes), key_id="k1")


def test_a_writer_of_assessments_may_read_them_and_a_reader_may_not_write() -> None:
    assert principal("assessments:write").has_scope("assessments:read")
    assert principal("assessments:read").has_scope("assessments:read")
    assert not principal("assessments:read").has_scope("assessments:write")
    with pytest.raises(Forbidden):
        principal("assessments:read").require("assessments:write")


@pytest.mark.parametrize("scope", sorted(SCOPES - {"assessments:read"}))
def test_every_other_scope_is_granted_only_by_itself_and_admin(scope: str) -> None:
    assert granting(scope) == (scope, "admin")
    assert principal("admin").has_scope(scope)
    others = SCOPES - {scope, "admin"}
    assert not principal(*others).has_scope(scope)
