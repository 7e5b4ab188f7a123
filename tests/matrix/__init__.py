"""Permission-matrix rows, one module per area (see tests/permission_matrix.py)."""
