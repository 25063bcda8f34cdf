"""pytest setup for the Python package's tests: the package comes from the
build (PYTHONPATH=build/python, which ctest sets; else it is added here),
the numpy references from test/helpers, and the digits data from
scripts/export_data.py (idempotent)."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "test" / "helpers"))
try:
    import lp  # noqa: F401
except ImportError:
    sys.path.insert(0, str(REPO_ROOT / "build" / "python"))


@pytest.fixture(scope="session")
def digits():
    proc = subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "export_data.py")], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return REPO_ROOT / "examples" / "data" / "digits_train.npz"


@pytest.fixture
def rng(request):
    """A generator seeded from the test's name."""
    import zlib

    import numpy as np

    return np.random.default_rng(zlib.crc32(request.node.name.encode()))
