"""One exception tree for the whole project.

Every exception says whether retrying can help (``retryable``) and which exit
code the CLI boundary maps it to. Prefect retries only retryable ones; a
corrupt scan is never retried.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = [
    "SohoaError",
    "InputError",
    "EmptyFileError",
    "UnsupportedFileError",
    "CorruptFileError",
    "EncryptedFileError",
    "DecompressionBombError",
    "TooManyPagesError",
    "FileTooLargeError",
    "OriginalChangedError",
    "OcrError",
    "TesseractNotFoundError",
    "TesseractTimeoutError",
    "TesseractCrashError",
    "IndexUnavailableError",
    "IndexSchemaError",
    "ConfigError",
    "ExitCode",
    "failure_reason",
    "is_retryable",
]


class ExitCode(IntEnum):
    """What the ``sohoa`` command's exit status says (the README gives each command's)."""

    OK = 0
    #: The command failed, or what it checks does not hold (a profile with problems, no server running).
    FAILED = 1
    #: The command did its work but set some of it aside: files quarantined, pages failed, an original
    #: changed, a record unknown; the rest is done.
    INCOMPLETE = 2
    #: Stopped by the user (Ctrl-C: 128 + SIGINT).
    INTERRUPTED = 130


class SohoaError(Exception):
    """Base of every error sohoa raises on purpose."""

    retryable: bool = False
    exit_code: ExitCode = ExitCode.FAILED

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.message = message

    def __str__(self) -> str:
        if self.path:
            return f"{self.path}: {self.message}"
        return self.message


class InputError(SohoaError):
    """A file that cannot be processed as given (quarantined, never retried)."""

    exit_code = ExitCode.INCOMPLETE


class EmptyFileError(InputError):
    """A zero-byte file."""


class UnsupportedFileError(InputError):
    """A file whose content is not a PDF, TIFF, JPEG or PNG."""


class CorruptFileError(InputError):
    """A truncated or otherwise unreadable file."""


class EncryptedFileError(InputError):
    """A password-protected PDF."""


class DecompressionBombError(InputError):
    """An image whose declared size exceeds the pixel limit."""


class TooManyPagesError(InputError):
    """A document with more pages than the configured limit."""


class FileTooLargeError(InputError):
    """A file larger than the configured size limit."""


class OriginalChangedError(InputError):
    """An original whose content changed while it was being processed."""


class OcrError(SohoaError):
    """Tesseract could not read a page."""


class TesseractNotFoundError(OcrError):
    """The tesseract binary or a language model is missing."""


class TesseractTimeoutError(OcrError):
    """Tesseract ran longer than the page timeout."""

    retryable = True


class TesseractCrashError(OcrError):
    """Tesseract exited with an error or was killed."""

    retryable = True


class IndexUnavailableError(SohoaError):
    """The search index cannot be reached."""

    retryable = True


class IndexSchemaError(SohoaError):
    """The index was built with another schema version: reindex."""


class ConfigError(SohoaError):
    """A setting is missing or invalid."""


def failure_reason(exc: BaseException) -> str:
    """Why an operation failed, for a person: the message of sohoa's own errors, else the exception's type and text."""
    return exc.message if isinstance(exc, SohoaError) else f"{type(exc).__name__}: {exc}"


def is_retryable(exc: BaseException) -> bool:
    """Whether retrying the operation that raised ``exc`` can help."""
    return isinstance(exc, SohoaError) and exc.retryable
