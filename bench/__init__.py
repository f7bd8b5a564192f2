"""`make bench`: the app against a bare Bolt floor, under the same signed load."""
