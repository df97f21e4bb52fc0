import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The claim files under data/ are inputs the tests read, not tests: keep the
# prove pytest plugin (active wherever prove is installed) from collecting them.
collect_ignore_glob = ["data/*.claims", "golden/*.claims"]
