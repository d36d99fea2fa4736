"""The journey dashboard asset."""
