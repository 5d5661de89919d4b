"""Invitations: editors invite contributors by email from the admin."""
