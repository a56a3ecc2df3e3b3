"""Answer files, grading, the gradebook and the item analysis."""
