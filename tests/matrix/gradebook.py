"""Permission-matrix rows: the gradebook: grids, student and parent views, CSV (courses.gradebook).

See tests/permission_matrix.py for the expectations (OK, LOGIN, DENIED, OWN) and how
`objects`, `kwargs` and `post_data` are used.
"""

from __future__ import annotations

from tests.permission_matrix import Rule  # noqa: F401

RULES: list[Rule] = []
