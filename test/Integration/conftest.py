"""pytest setup for the lp-run integration tests.

Puts test/helpers (lp_testing) on sys.path, checks that lp-run exists,
writes examples/data (scripts/export_data.py, idempotent) before any test
reads it, and gives every test a numpy Generator seeded from the test's own
name (so data does not depend on test order or on the directory pytest runs
from).
"""

import os
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "helpers"))

import lp_testing  # noqa: E402


def pytest_sessionstart(session):
    path = lp_testing.lp_run_path()
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.exit(f"lp-run not found at {path}: build it, or set LP_RUN", returncode=1)
    export = subprocess.run([sys.executable, str(lp_testing.REPO_ROOT / "scripts" / "export_data.py")],
                            cwd=lp_testing.REPO_ROOT, capture_output=True, text=True, timeout=300)
    if export.returncode != 0:
        pytest.exit(f"scripts/export_data.py failed:\n{export.stderr}", returncode=1)


@pytest.fixture
def rng(request):
    return np.random.default_rng(zlib.crc32(request.node.name.encode()))
