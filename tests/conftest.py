import atexit
import itertools
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The claim files under data/ are inputs the tests read, not tests: keep the
# prove pytest plugin (active wherever prove is installed) from collecting them.
collect_ignore_glob = ["data/*.claims", "golden/*.claims"]

# The result cache (on by default) must neither write into the repository nor carry a verdict
# from one test to the next: every test gets a fresh, empty cache folder of its own.
_CACHE_ROOT = tempfile.mkdtemp(prefix="prove-test-cache-")
atexit.register(shutil.rmtree, _CACHE_ROOT, ignore_errors=True)
_CACHE_COUNT = itertools.count()
os.environ["PROVE_CACHE_DIR"] = os.path.join(_CACHE_ROOT, "collection")
os.environ["PROVE_CACHE_KEY"] = os.path.join(_CACHE_ROOT, "cache.key")  # not this user's own key


def pytest_runtest_setup(item):
    os.environ["PROVE_CACHE_DIR"] = os.path.join(_CACHE_ROOT, str(next(_CACHE_COUNT)))
