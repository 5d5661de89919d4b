"""The body's writing surface: its widget (widgets), pasting (pasting), and its endpoints."""
