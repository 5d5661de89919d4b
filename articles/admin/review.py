"""The review side of the admin: the queue of submissions and the editors' decisions."""
