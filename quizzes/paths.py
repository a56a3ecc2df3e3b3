"""Default locations of the data files, relative to the repository."""

import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
BANKS_DIR = PACKAGE_DIR / "banks"
REGISTRY_FILE = PACKAGE_DIR / "data" / "recommendations.yaml"
REFERENCES_BIB = REPO_DIR / "book" / "references.bib"
if not REFERENCES_BIB.is_file():  # an installed copy (`pip install .`): pyproject's data-files
    REFERENCES_BIB = Path(sys.prefix) / "share" / "crlm-regional-course" / "references.bib"
