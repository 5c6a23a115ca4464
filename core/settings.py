"""One settings model shared by the CLI, the flows and the tests."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
from typing import Literal

from pydantic import BaseModel, Field, field_validator

__all__ = ["TesseractOptions", "RestoreOptions", "Limits", "WebOptions", "Settings"]


class TesseractOptions(BaseModel):
    """Options of the one Tesseract wrapper."""

    model_config = {"frozen": True}

    lang: str = "vie"
    psm: int = Field(3, ge=0, le=13)
    oem: int = Field(1, ge=0, le=3)
    timeout_s: float = Field(180.0, gt=0, le=3600)
    thread_limit: int = Field(1, ge=1, le=64)
    #: Height in pixels of one text line of a page as Tesseract gets it (``ocr.layout.ocr_scale``;
    #: 0 reads the page at its own size). 38 is 0.75 of a 300 dpi scan of 13–14 pt print.
    line_px: int = Field(38, ge=0, le=400)


class RestoreOptions(BaseModel):
    """Options of page restoration."""

    model_config = {"frozen": True}

    enabled: bool = True
    detect_orientation: bool = True
    max_skew_deg: float = Field(10.0, ge=0, le=45)
    #: Lines read in doubt are read again from the page as scanned, and that reading kept where
    #: Tesseract is surer of it (:mod:`ocr.floor`).
    floor: bool = True


class Limits(BaseModel):
    """Bounds on what a single input may cost."""

    model_config = {"frozen": True}

    max_file_bytes: int = Field(2 * 1024**3, gt=0)
    max_pages: int = Field(2000, gt=0)
    max_pixels: int = Field(300_000_000, gt=0)


class WebOptions(BaseModel):
    """How the clerks' web app meets the office's network."""

    model_config = {"frozen": True}

    #: Addresses or networks (``10.0.0.2``, ``10.0.0.0/24``) of the office's reverse proxies: a request
    #: from one of them is taken as coming from the client its ``X-Forwarded-For`` names, by the scheme
    #: its ``X-Forwarded-Proto`` names. Nobody else's headers are believed.
    trusted_proxies: tuple[str, ...] = ()
    #: Mark the session cookie ``Secure`` on every answer, not only those to an https request (a proxy
    #: that ends TLS without saying so).
    secure_cookies: bool = False
    #: The office's time zone: the times of the audit trail are shown in it.
    timezone: str = "Asia/Ho_Chi_Minh"
    #: Lines of the audit trail are kept this many days (``sohoa audit prune``; ``sohoa serve`` prunes at start).
    audit_retention_days: int = Field(5 * 365, ge=30)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ValueError, ZoneInfoNotFoundError) as exc:
            raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Ho_Chi_Minh)") from exc
        return value


def _default_workers() -> int:
    return max(1, os.cpu_count() or 1)


class Settings(BaseModel):
    """Everything a run needs to know; build it with :meth:`from_env`."""

    model_config = {"frozen": True}

    data_dir: Path = Path("sohoa-data")
    index_url: str | None = None
    ledger_url: str | None = None
    workers: int = Field(default_factory=_default_workers, ge=1, le=256)
    #: Where the ingest flow's tasks run: a thread pool here, or a Dask cluster (prefect-dask).
    runner: Literal["threads", "dask"] = "threads"
    #: Scheduler of an existing Dask cluster (``tcp://host:8786``); none: a local cluster of ``workers`` processes.
    dask_address: str | None = None
    dpi: int = Field(300, ge=72, le=1200)
    #: The office's knowledge (:mod:`pipeline.profile`): a shipped profile's name, a ``profile.json`` or its folder.
    profile: str = "default"
    #: Minutes the local Prefect API server stays up after a command for the next one on the same data
    #: directory (:class:`flows.prefect_api.SharedApi`); 0: a server for each command, stopped after it.
    prefect_idle_minutes: float = Field(15.0, ge=0, le=24 * 60)
    tesseract: TesseractOptions = TesseractOptions()
    restore: RestoreOptions = RestoreOptions()
    limits: Limits = Limits()
    web: WebOptions = WebOptions()

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        """Settings from ``SOHOA_*`` environment variables, then ``overrides``."""
        values: dict[str, object] = {}
        if "SOHOA_DATA_DIR" in os.environ:
            values["data_dir"] = Path(os.environ["SOHOA_DATA_DIR"])
        if os.environ.get("SOHOA_INDEX_URL"):
            values["index_url"] = os.environ["SOHOA_INDEX_URL"]
        if os.environ.get("SOHOA_LEDGER_URL"):
            values["ledger_url"] = os.environ["SOHOA_LEDGER_URL"]
        if os.environ.get("SOHOA_WORKERS"):
            values["workers"] = int(os.environ["SOHOA_WORKERS"])
        if os.environ.get("SOHOA_RUNNER"):
            values["runner"] = os.environ["SOHOA_RUNNER"]
        if os.environ.get("SOHOA_DASK_ADDRESS"):
            values["dask_address"] = os.environ["SOHOA_DASK_ADDRESS"]
        if os.environ.get("SOHOA_PROFILE"):
            values["profile"] = os.environ["SOHOA_PROFILE"]
        if os.environ.get("SOHOA_PREFECT_IDLE_MINUTES"):
            values["prefect_idle_minutes"] = float(os.environ["SOHOA_PREFECT_IDLE_MINUTES"])
        web: dict[str, object] = {}
        if os.environ.get("SOHOA_TRUSTED_PROXIES"):
            web["trusted_proxies"] = tuple(p.strip() for p in os.environ["SOHOA_TRUSTED_PROXIES"].split(",")
                                           if p.strip())
        if os.environ.get("SOHOA_TIMEZONE"):
            web["timezone"] = os.environ["SOHOA_TIMEZONE"]
        if os.environ.get("SOHOA_AUDIT_RETENTION_DAYS"):
            web["audit_retention_days"] = int(os.environ["SOHOA_AUDIT_RETENTION_DAYS"])
        if web:
            values["web"] = WebOptions(**web)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @property
    def prefect_idle_s(self) -> float:
        """:attr:`prefect_idle_minutes` in seconds."""
        return self.prefect_idle_minutes * 60.0

    @property
    def ledger_path(self) -> Path:
        """The SQLite ledger, source of truth."""
        return self.data_dir / "ledger.sqlite"

    @property
    def ledger_target(self) -> str | Path:
        """What :class:`ledger.ledger.Ledger` opens: a PostgreSQL URL or the SQLite path."""
        return self.ledger_url or self.ledger_path

    @property
    def derived_dir(self) -> Path:
        """Where restored pages and OCR outputs are kept."""
        return self.data_dir / "derived"

    @property
    def resolved_index_url(self) -> str:
        """The index URL, defaulting to the embedded index in the data dir."""
        if self.index_url:
            return self.index_url
        return f"sqlite:///{(self.data_dir / 'index.sqlite').resolve()}"

    def ocr_fingerprint(self) -> str:
        """A short hash of every setting that changes a page's OCR result.

        The profile's reading knowledge changes it too: :func:`ocr.pages.page_fingerprint`
        combines the two.
        """
        payload = json.dumps(
            {
                "dpi": self.dpi,
                "tesseract": self.tesseract.model_dump(exclude={"timeout_s", "thread_limit"}),
                "restore": self.restore.model_dump(),
            },
            sort_keys=True,
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:12]
