import sys
from pathlib import Path

# The package lives in py/, as it does in the page's runtime.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "py"))
