"""extract.read."""
