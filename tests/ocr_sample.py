"""A photographed report for the tests of OCR-read claims: the sample database plus one
image whose text is read by Tesseract, so its claims are marked ``ocr`` by the ETL itself.

舟山市 appears in no other sample file, so its values (an honour count, a 2023 fund figure)
rest on this image alone.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path

from tests import format_files

OCR_NAME = "905_照片.png"
OCR_REGION = "舟山市"
OCR_KEY = "330900"  # its GB/T 2260 code
OCR_HONOURS = "4次"  # its bar in the national-honours ranking of prefectures
OCR_TEXT = """舟山市双拥工作综述
（2024年3月8日）
舟山市四次荣获全国双拥模范城称号。2023年，全市投入双拥资金800万元。
全市召开双拥工作推进会，部署全年任务。
"""


def build_ocr_db(sample: Path, path: Path) -> Path:
    """A copy of the sample database ``sample`` at ``path`` with :data:`OCR_TEXT`, as a
    photograph, ingested into it."""
    from etl.ingest import run_ingest

    shutil.copy2(sample, path)
    with tempfile.TemporaryDirectory() as tmp:
        image = Path(tmp) / OCR_NAME
        image.write_bytes(format_files.make_png(OCR_TEXT))
        err = io.StringIO()
        # No Parquet: a dataset of this one file beside a copy would misstate the copy.
        status = run_ingest([image], path, err, progress=False, parquet=False)
    assert status == 0, err.getvalue()
    return path
