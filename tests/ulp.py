"""The tests measure errors with the package's own ULP measure (fastact._ulp)."""

from fastact._ulp import ulp_error, worst

__all__ = ["ulp_error", "worst"]
