"""The catalogue of coded errors and warnings.

Every message says what happened and what to do about it. Codes never change meaning once
released: E0xx input and ingestion, E1xx configuration, E2xx models and training, E3xx pipeline.
The library never prints; the CLI turns a `TenderlensError` into one line and an exit code.
"""

from __future__ import annotations

import warnings
from enum import StrEnum


class Errors(StrEnum):
    """Error templates; `str.format` fills the named fields."""

    E001 = "{path} is empty (0 bytes). Check that the download or copy finished."
    E002 = "{path} does not exist or cannot be read: {reason}."
    E003 = (
        "{path} is not a PDF ({detected}). Pass a PDF, DOCX, TXT, Markdown, HTML or OCDS JSON "
        "file, or fix the file extension."
    )
    E004 = "{path} is a corrupt or truncated PDF ({reason}). Download it again, or re-save it with a PDF printer."
    E005 = "{path} has no pages. Check that it is the document you meant."
    E006 = "{path} is encrypted. Pass --password, or decrypt it first."
    E007 = "{path}: the password given is wrong. Check it and try again."
    E008 = (
        "{path} has {pages} pages, over the limit of {limit}. Scan a range with --pages, "
        "or raise the limit with --max-pages."
    )
    E009 = (
        "{path}: page {page} holds {chars} characters, over the limit of {limit} per page "
        "(often a generated or malicious file). Skip it with --pages, or raise --max-chars-per-page."
    )
    E010 = "{path}: page {page} took more than {seconds:g} s to read. Skip it with --pages, or raise --page-timeout."
    E011 = "{path} is not valid JSON ({reason}). Pass an OCDS release, release package or record package."
    E012 = "{path} is JSON but not an OCDS release, release package or record package ({reason})."
    E013 = "{path} is not a readable DOCX file ({reason}). Re-save it from Word or LibreOffice."
    E014 = "{path}: cannot decode the text ({reason}). Save it as UTF-8."
    E015 = "Page selection {spec!r} is not valid: {reason}. Use a form like '3,7-9'."
    E016 = "{path}: none of the selected pages {spec!r} exist (the document has {pages} pages)."
    E017 = "{path} has an unsupported file type {suffix!r}. Pass .pdf, .docx, .txt, .md, .html or .json."
    E099 = (
        "{path}: unexpected {reason} while reading it. This is a bug in tenderlens; please "
        "report it, with the file if you can share it."
    )
    E101 = "Configuration {key!r} has the value {value!r}; allowed: {allowed}."
    E201 = (
        "Model folder {path} is missing {name}. Retrain it with `tenderlens train`, or point "
        "--model at a complete folder."
    )
    E202 = (
        "Model file {path} does not match the checksum in meta.json; it was changed or corrupted. "
        "Retrain it or restore it from the release."
    )
    E203 = "Model folder {path} holds an unknown file {name!r}; refusing to load it."
    E204 = "Training data {path}: {reason}."
    E205 = "Unknown task {task!r}; known tasks: {known}."
    E206 = "CUDA was requested but is not available on this machine. Use --device auto or cpu."
    E301 = "Stage {name!r} returned {type_name}, not a Document. Stages must return a Document."
    E302 = "Unknown stage {name!r}; known stages: {known}."

    def format(self, *args: object, **kwargs: object) -> str:
        return f"{self.name}: {self.value.format(*args, **kwargs)}"


class Warnings(StrEnum):
    """Warning templates, issued once per problem through `warn`."""

    W001 = (
        "{path}: {pages} page(s) have no text layer and Tesseract is not installed, so they "
        "were left empty. Install tesseract-ocr (apt-get install tesseract-ocr) to read them."
    )
    W002 = "{path}: page {page} has no text layer; its text was read by OCR and may hold errors."
    W003 = "{path}: page {page} could not be OCR'd ({reason}); it was left empty."

    def format(self, *args: object, **kwargs: object) -> str:
        return f"{self.name}: {self.value.format(*args, **kwargs)}"


class TenderlensError(Exception):
    """Base of every error the library raises on purpose."""

    def __init__(self, template: Errors, **fields: object) -> None:
        self.code = template.name
        self.fields = fields
        super().__init__(template.format(**fields))


class IngestError(TenderlensError):
    """The input could not be read into a Document."""


class ConfigError(TenderlensError):
    """A setting or option is invalid."""


class ModelError(TenderlensError):
    """A model folder or training set is invalid."""


class PipelineError(TenderlensError):
    """A stage broke the pipeline contract."""


class TenderlensWarning(UserWarning):
    """A problem worth telling the user about that does not stop the run."""


def warn(template: Warnings, **fields: object) -> str:
    """Issue a coded warning and return its message (documents record it too)."""
    message = template.format(**fields)
    warnings.warn(message, TenderlensWarning, stacklevel=2)
    return message
