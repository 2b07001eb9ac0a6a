"""tenderlens: what a UK tender or health-policy document demands, read from the document itself."""

from .document import Block, BlockKind, Document, Evidence, Finding, FindingKind, Page, Route, Table
from .errors import IngestError, TenderlensError
from .ingest import IngestOptions, read
from .pipeline import Pipeline, scan

__version__ = "0.1.0"

__all__ = [
    "Block",
    "BlockKind",
    "Document",
    "Evidence",
    "Finding",
    "FindingKind",
    "IngestError",
    "IngestOptions",
    "Page",
    "Pipeline",
    "Route",
    "Table",
    "TenderlensError",
    "__version__",
    "read",
    "scan",
]
