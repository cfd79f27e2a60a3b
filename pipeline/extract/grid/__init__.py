"""extract.grid."""
