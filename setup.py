"""Build fastact's compiled core: the C kernels in csrc/ and the Cython ufunc registration.

OpenMP is probed by compiling, linking and running a tiny program with the
compiler's flag. Without it the build goes on single-threaded and says so;
FASTACT_REQUIRE_OPENMP=1 turns that into an error (CI sets it).

The kernels (KERNEL_SOURCES) are compiled once per dispatch level, each with
its own instruction-set flags and FA_LEVEL naming its tables; fastact picks
the best level the running CPU supports at import. Nothing here targets the
build machine (no -march=native): a wheel runs on any x86-64 CPU.
"""

import concurrent.futures
import glob
import os
import platform
import shlex
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
# Warnings that catch real bugs: C_WARNINGS on the kernel sources at every level, and
# BUG_ERRORS, as errors, everywhere (an undeclared function, a pointer or int of the wrong
# type, a missing return: where C would otherwise guess). The module's own sources (Cython's
# C, fa_dispatch.c, fa_parallel.c) get -Wall -Wextra besides: NumPy's headers trip
# -Wstrict-prototypes. FASTACT_WERROR=1 (CI) makes every warning in the kernels an error.
BUG_ERRORS = ["-Werror=implicit-function-declaration", "-Werror=incompatible-pointer-types",
              "-Werror=int-conversion", "-Werror=return-type"]
C_WARNINGS = ["-Wall", "-Wextra", "-Wstrict-prototypes", "-Wvla", "-Wundef", "-Wpointer-arith",
              "-Wwrite-strings", "-Wformat=2", "-Wimplicit-fallthrough"]
# -O3 for the vectorizer; -fno-trapping-math lets it turn the kernels'
# branches into selects that compute both sides. Values are unchanged
# (NaNs are honoured, nothing is reassociated); only the hardware FP
# flags stop meaning anything, so these loops compute the overflow flag
# themselves (fa_loop_util.h). GCC's if-conversion stops at 4-way merges
# by default; the kernels have more. -fno-thread-jumps: jump threading
# splits a loop body on the NaN test it makes twice (input and output) into
# paths that store separately, and GCC 12 then vectorizes no value_and_grad
# loop at all. No debug info: it would be most of the library's size (a -g in
# CFLAGS keeps it: wants_debug_info).
ELEMENTWISE_FLAGS = ["-O3", "-fno-trapping-math", "--param=max-tree-if-conversion-phi-args=32",
                     "-fno-thread-jumps", "-g0"]
KERNEL_SOURCES = {
    "csrc/loops/fa_loops.c": ELEMENTWISE_FLAGS,
    # the same loops computing in float (fa_real.h), with float literals
    "csrc/loops/fa_loops_float.c": [*ELEMENTWISE_FLAGS, "-fsingle-precision-constant"],
    # the vectorized softmax rows, in double and in float
    "csrc/loops/fa_softmax_rows.c": ELEMENTWISE_FLAGS,
    "csrc/loops/fa_softmax_rows_float.c": [*ELEMENTWISE_FLAGS, "-fsingle-precision-constant"],
    # maxout across groups, in double and in float
    "csrc/loops/fa_maxout_rows.c": ELEMENTWISE_FLAGS,
    "csrc/loops/fa_maxout_rows_float.c": [*ELEMENTWISE_FLAGS, "-fsingle-precision-constant"],
    # row-wise loops: the hardware flags are the reported ones, trapping math stays
    "csrc/loops/fa_rowwise.c": ["-O3", "-g0"],
}
# Dispatch levels after the baseline: (name, flags), x86-64 only.
X86_LEVELS = [
    # F16C: the float16 loops' conversions (fa_vec.h); avx512 has AVX-512F's own forms
    ("avx2", ["-mavx2", "-mfma", "-mf16c"]),
    # 512-bit vectors, where GCC's default for AVX-512 targets is 256: a stand-alone
    # value_and_grad loop ran 1.5-1.7x faster with them here (sigmoid, silu, gelu,
    # hard_sigmoid); the library's loops measured the same with and without
    ("avx512", ["-mavx512f", "-mavx512dq", "-mavx512bw", "-mavx512vl", "-mavx2", "-mfma",
                "-mprefer-vector-width=512"]),
]
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


def accepts_flags(compiler_cmd, flags):
    """Whether the compiler builds a trivial file with these flags."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "probe.c")
        with open(src, "w") as f:
            f.write("int main(void) { return 0; }\n")
        try:
            subprocess.run(
                [*compiler_cmd, *flags, "-c", src, "-o", os.path.join(tmp, "probe.o")],
                check=True,
                capture_output=True,
            )
        except (OSError, subprocess.CalledProcessError):
            return False
    return True


def wants_debug_info():
    """Whether CFLAGS from the environment ask for debug info (-g, -g3, -ggdb, ...).

    setuptools puts those flags before a source's own, so the kernels' -g0 would
    otherwise take debug info away again: a sanitizer's report would name the
    function but not the line.
    """
    flags = shlex.split(os.environ.get("CFLAGS", ""))
    return any(f.startswith("-g") and f != "-g0" for f in flags)


def dispatch_levels(compiler_cmd):
    """The (name, flags) levels to compile: the baseline, then what x86-64 adds.

    ``FASTACT_LEVELS`` (a comma-separated list, e.g. ``baseline`` or ``avx512``)
    compiles only those: a build for a sanitizer run or for development takes
    a third of the time, and runs only on CPUs with one of the levels it has.
    """
    levels = [("baseline", [])]
    if platform.machine().lower() in ("x86_64", "amd64"):
        levels += [(n, f) for n, f in X86_LEVELS if accepts_flags(compiler_cmd, f)]
    wanted = [w.strip().lower() for w in os.environ.get("FASTACT_LEVELS", "").split(",")
              if w.strip()]
    if not wanted:
        return levels
    known = [name for name, _ in levels]
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise RuntimeError(f"fastact: FASTACT_LEVELS names {', '.join(unknown)}, which this "
                           f"compiler cannot build here; choose from {', '.join(known)}")
    return [(name, flags) for name, flags in levels if name in wanted]


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
        levels = dispatch_levels(cc)
        # a flag this compiler does not know (GCC's --param on clang) is dropped, and
        # -g0 where CFLAGS ask for debug info
        debug = wants_debug_info()
        kernel_flags = {
            src: [f for f in extra if accepts_flags(cc, [f]) and not (debug and f == "-g0")]
            for src, extra in KERNEL_SOURCES.items()
        }
        checks = [f for f in BUG_ERRORS if accepts_flags(cc, [f])]
        warnings = [f for f in C_WARNINGS if accepts_flags(cc, [f])]
        if os.environ.get("FASTACT_WERROR") == "1":
            warnings.append("-Werror")
        config = {
            "compiler": " ".join(cc),
            "openmp": found is not None,
            "cflags": " ".join(BASE_FLAGS + cflags),
            "kernel_cflags": {src: " ".join(extra) for src, extra in kernel_flags.items()},
            "levels": {name: " ".join(flags) or "(none)" for name, flags in levels},
        }
        for ext in self.extensions:
            if ext.name != "fastact._ufuncs":  # fastact._fastcall: no kernels
                continue
            ext.extra_compile_args = BASE_FLAGS + cflags + checks + ["-Wall", "-Wextra"]
            ext.extra_link_args = lflags
            quoted = '"{}"'.format(repr(config).replace('"', "'"))
            ext.define_macros.append(("FASTACT_BUILD_CONFIG", quoted))
            # one compiler process per level and source at a time, in parallel
            with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
                jobs = [
                    pool.submit(self.compile_level, ext, name, src,
                                BASE_FLAGS + cflags + checks + warnings + extra + flags)
                    for name, flags in levels
                    for src, extra in kernel_flags.items()
                ]
                for job in jobs:
                    ext.extra_objects += job.result()
            for name, _ in levels:
                ext.define_macros.append((f"FA_HAVE_{name.upper()}", "1"))
            # linked again whenever a kernel object is newer than the module (another
            # FASTACT_LEVELS, a kernel source changed): its sources alone would not say so
            ext.depends = [*ext.depends, *ext.extra_objects]
        super().build_extensions()

    def compile_level(self, ext, name, source, flags):
        """Compile one kernel source for one dispatch level; return its object file."""
        return self.compiler.compile(
            [source],
            output_dir=os.path.join(self.build_temp, "level_" + name),
            macros=[*ext.define_macros, ("FA_LEVEL", name)],
            include_dirs=ext.include_dirs,
            extra_postargs=flags,
            depends=ext.depends,
        )


extension = Extension(
    "fastact._ufuncs",
    sources=["fastact/_ufuncs.pyx", "csrc/loops/fa_dispatch.c", "csrc/loops/fa_parallel.c"],
    # the math is in headers; the kernel sources are compiled per level (BuildExt)
    depends=sorted(glob.glob("csrc/*/*.h") + glob.glob("csrc/*/*.def") + list(KERNEL_SOURCES)),
    # the data path, last to first: the loops, the kernels they call, the math those use
    include_dirs=["csrc/loops", "csrc/kernels", "csrc/math", np.get_include()],
    define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_25_API_VERSION")],
    libraries=["m"] if sys.platform != "win32" else [],
)

# the C __call__ of fastact's activations
fastcall = Extension("fastact._fastcall", sources=["fastact/_fastcall.pyx"])

setup(
    ext_modules=cythonize([extension, fastcall], language_level=3),
    cmdclass={"build_ext": BuildExt},
)
