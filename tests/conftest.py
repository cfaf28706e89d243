import contextlib
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

# On a failure, hypothesis's pytest plugin imports hypothesis.extra._patching (libcst),
# whose import raises a DeprecationWarning from mypy_extensions; under
# filterwarnings=error that turns a failing test into a pytest INTERNALERROR that hides
# the failure. Import it once here, for every test module, with that warning silenced.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    with contextlib.suppress(ImportError):
        import hypothesis.extra._patching  # noqa: F401
