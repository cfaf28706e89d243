"""Build fastact's compiled core: the C kernels in csrc/ and the Cython ufunc registration.

OpenMP is probed by compiling, linking and running a tiny program with the
compiler's flag. Without it the build goes on single-threaded and says so;
FASTACT_REQUIRE_OPENMP=1 turns that into an error (CI sets it).
"""

import glob
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import textwrap

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

# Never fast-math flags: they break NaN/inf handling and set flush-to-zero for
# the whole process. -ffp-contract=off: fma only where the code says fma, so
# every build rounds identically. -fno-math-errno: libm calls have no side
# effects, so unused results can be dropped.
BASE_FLAGS = ["-O2", "-std=c99", "-ffp-contract=off", "-fno-math-errno"]
OPENMP_PROBE = textwrap.dedent(
    """
    #include <omp.h>
    #include <stdio.h>
    int main(void) {
        int n = 0;
        #pragma omp parallel reduction(+:n)
        n += 1;
        printf("%d\\n", n > 0 && omp_get_max_threads() > 0);
        return 0;
    }
    """
)


def openmp_flags(compiler_cmd):
    """Return the (compile, link) flags that give working OpenMP, or None."""
    candidates = [(["-fopenmp"], ["-fopenmp"])]
    if sys.platform == "darwin":
        candidates.append((["-Xpreprocessor", "-fopenmp"], ["-lomp"]))
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "probe.c")
        exe = os.path.join(tmp, "probe")
        with open(src, "w") as f:
            f.write(OPENMP_PROBE)
        for cflags, lflags in candidates:
            try:
                subprocess.run(
                    [*compiler_cmd, *cflags, src, "-o", exe, *lflags],
                    check=True,
                    capture_output=True,
                )
                out = subprocess.run([exe], check=True, capture_output=True, text=True)
            except (OSError, subprocess.CalledProcessError):
                continue
            if out.stdout.strip() == "1":
                return cflags, lflags
    return None


class BuildExt(build_ext):
    def build_extensions(self):
        compiler = self.compiler.compiler_so if hasattr(self.compiler, "compiler_so") else None
        cc = [compiler[0]] if compiler else [sysconfig.get_config_var("CC") or "cc"]
        if shutil.which(cc[0]) is None:
            cc = ["cc"]
        found = openmp_flags(cc)
        if found is None:
            if os.environ.get("FASTACT_REQUIRE_OPENMP") == "1":
                raise RuntimeError(
                    "fastact: FASTACT_REQUIRE_OPENMP=1 but the compiler cannot build "
                    "and run an OpenMP program"
                )
            print("WARNING: fastact: OpenMP not available; building single-threaded kernels.")
            cflags, lflags = [], []
        else:
            cflags, lflags = found
        config = {
            "compiler": " ".join(cc),
            "openmp": found is not None,
            "cflags": " ".join(BASE_FLAGS + cflags),
        }
        for ext in self.extensions:
            ext.extra_compile_args = BASE_FLAGS + cflags
            ext.extra_link_args = lflags
            quoted = '"{}"'.format(repr(config).replace('"', "'"))
            ext.define_macros.append(("FASTACT_BUILD_CONFIG", quoted))
        super().build_extensions()


extension = Extension(
    "fastact._ufuncs",
    sources=["fastact/_ufuncs.pyx", "csrc/fa_loops.c", "csrc/fa_rowwise.c", "csrc/fa_parallel.c"],
    depends=sorted(glob.glob("csrc/*.h") + glob.glob("csrc/*.def")),  # the math is in headers
    include_dirs=["csrc", np.get_include()],
    define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_25_API_VERSION")],
    libraries=["m"] if sys.platform != "win32" else [],
)

setup(
    ext_modules=cythonize([extension], language_level=3),
    cmdclass={"build_ext": BuildExt},
)
