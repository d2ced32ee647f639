import sys
from pathlib import Path

# The suite's helpers (scenarios.py, sides.py, ...) are plain modules next to the tests.
sys.path.insert(0, str(Path(__file__).resolve().parent))
