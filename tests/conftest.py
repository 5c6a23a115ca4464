"""Shared fixtures: temporary data dirs, rendered text pages, the Prefect harness."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.profile_load import load_profile
from core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
#: The shipped profiles: the nationwide default, and the Hải Phòng office (an example with its own
#: issuers, symbols and schools), which the Hải Phòng documents of these tests are from.
DEFAULT = load_profile("default")
HP = load_profile("hai-phong")

pytest_plugins = ["es_node", "pg_node"]

os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
# A Prefect server for each command, stopped after it (the shared one has tests of its own in test_prefect_api.py).
os.environ.setdefault("SOHOA_PREFECT_IDLE_MINUTES", "0")


def run_sohoa(data_dir: Path, *args: str, stdin: str = "", timeout: float = 900,
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real ``sohoa`` command in a subprocess, on ``data_dir`` with the embedded index and SQLite ledger,
    unless ``env`` says otherwise (``SOHOA_INDEX_URL``, ``SOHOA_LEDGER_URL``, …)."""
    full = {**os.environ, "SOHOA_DATA_DIR": str(data_dir)}
    for name in ("SOHOA_INDEX_URL", "SOHOA_LEDGER_URL", "SOHOA_RUNNER", "SOHOA_DASK_ADDRESS"):
        full.pop(name, None)
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "sohoa.cli", *args], input=stdin, capture_output=True, text=True,
                          env=full, timeout=timeout)


@pytest.fixture(scope="session")
def ingested_samples(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """Every committed sample ingested once for the session by the README's main command (box "01"): the data
    dir and what the command printed. Tests read it; what one adds (a backup's web.sqlite, a second run) must
    not change what another counts."""
    data = tmp_path_factory.mktemp("samples") / "data"
    run = run_sohoa(data, "ingest", str(SAMPLES / "scans"), "--batch", "demo-hop-01", "--box", "01", "--no-progress")
    return data, run


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings on an empty data dir, one worker per core."""
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture(scope="session")
def ground_truth() -> dict:
    """The committed samples' ground truth."""
    return json.loads((SAMPLES / "ground_truth.json").read_text(encoding="utf-8"))


def render_lines(lines: list[str], *, size: int = 48, width: int = 2000, margin: int = 120) -> np.ndarray:
    """A white grayscale page with the given lines of text, 300-dpi-like sizes."""
    font = ImageFont.truetype(FONT, size)
    height = margin * 2 + int(len(lines) * size * 1.6)
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((margin, margin + int(i * size * 1.6)), line, font=font, fill=0)
    return np.asarray(img).copy()


TEXT_LINES = [
    "SỞ GIÁO DỤC VÀ ĐÀO TẠO HẢI PHÒNG",
    "Số: 123/QĐ-SGDĐT về việc công nhận trường đạt chuẩn",
    "Quyết định công nhận Trường Tiểu học Đằng Lâm",
    "đạt chuẩn Quốc gia mức độ 1 trong thời hạn 05 năm.",
    "Ông Nguyễn Văn An, sinh ngày 12 tháng 3 năm 1990,",
    "được cấp bằng tốt nghiệp trung học phổ thông năm 2008.",
    "Giấy chứng nhận có giá trị trong thời hạn 05 năm.",
    "Hải Phòng, ngày 05 tháng 7 năm 2010.",
]


@pytest.fixture(scope="session")
def text_page() -> np.ndarray:
    """A clean page of Vietnamese administrative text."""
    return render_lines(TEXT_LINES * 2)


@pytest.fixture(scope="session")
def prefect_harness():
    """Prefect's test harness (a temporary local API), once per session, for flow tests only."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
