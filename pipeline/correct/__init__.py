"""correct."""
