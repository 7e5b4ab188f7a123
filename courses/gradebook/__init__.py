"""The gradebook: every graded item per course and student, grids and CSV export."""
