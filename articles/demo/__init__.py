"""The demo magazine: its sections, contributors, pieces and pictures, used by `seed_demo`."""
