"""piano: Italian municipal performance plans (PDF) into validated Parquet."""

__version__ = "0.1.0"
