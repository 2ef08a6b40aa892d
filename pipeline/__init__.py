"""abuse-pipeline: the abuse desk of an ISP or hosting provider, automated."""

__version__ = "0.1.0"
