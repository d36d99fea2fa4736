"""The read-only publication BI tools connect to."""
