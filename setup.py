"""Build of valuepix_core: the C core (native/src) linked into the pybind11 module
valuepix_core._native, the same core as a shared libvaluepix.so (loaded through cffi from the public
header, the ABI a phone app links), and the shipped models copied into the package.

Metadata lives in pyproject.toml; this file only adds what setuptools cannot express there.
"""
from __future__ import annotations

import glob
import json
import os
import shutil
import sys

from setuptools import setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

try:
    from pybind11.setup_helpers import Pybind11Extension
except ImportError:  # pragma: no cover - pybind11 comes from [build-system].requires
    sys.exit("pybind11 is required to build valuepix_core (it is in build-system.requires)")

HERE = os.path.dirname(os.path.abspath(__file__))
C_SOURCES = sorted(glob.glob(os.path.join("native", "src", "*.c")))
if not C_SOURCES:  # an sdist without native/ (see MANIFEST.in) must not build an empty core
    sys.exit("valuepix_core: native/src/*.c not found; build from a checkout or a complete sdist")
# Same flags as native/Makefile: no FMA contraction so every build computes the same floats.
C_FLAGS = ["-std=c99", "-O2", "-ffp-contract=off", "-fvisibility=hidden", "-D_POSIX_C_SOURCE=200809L"]
C_INCLUDES = [os.path.join("native", "include"), os.path.join("native", "src")]


class BuildExt(build_ext):
    """Builds _native (with the C core compiled in) and valuepix_core/_lib/libvaluepix.so."""

    def build_extensions(self):
        cc = self.compiler
        objects = cc.compile(
            C_SOURCES,
            output_dir=os.path.join(self.build_temp, "libvaluepix"),
            include_dirs=C_INCLUDES,
            extra_postargs=C_FLAGS,
        )
        for ext in self.extensions:
            ext.extra_objects = list(objects)
            for src in ext.sources:  # some setuptools/distutils paths skip mkpath for object dirs
                os.makedirs(os.path.join(self.build_temp, os.path.dirname(src)), exist_ok=True)
        super().build_extensions()
        # the shared library for the cffi loader, only vp_ symbols exported
        lib_dir = os.path.join(self.build_lib, "valuepix_core", "_lib")
        os.makedirs(lib_dir, exist_ok=True)
        cc.link_shared_object(
            objects,
            "libvaluepix.so",
            output_dir=lib_dir,
            libraries=["m"],
            # the soname is the shipped file's own name: wheels cannot carry a libvaluepix.so.0 symlink
            extra_postargs=[f"-Wl,--version-script={os.path.join(HERE, 'native', 'valuepix.map')}",
                            "-Wl,-soname,libvaluepix.so"],
        )
        if self.inplace or getattr(self, "editable_mode", False):  # develop / PEP 660 editable
            dst = os.path.join(HERE, "valuepix_core", "_lib")
            os.makedirs(dst, exist_ok=True)
            shutil.copy2(os.path.join(lib_dir, "libvaluepix.so"), dst)

    def _shared_lib(self):
        return os.path.join(self.build_lib, "valuepix_core", "_lib", "libvaluepix.so")

    def get_outputs(self):
        return super().get_outputs() + [self._shared_lib()]


class BuildPy(build_py):
    """Adds the public header (for the cffi loader) and the shipped model files to the package."""

    def run(self):
        super().run()
        pkg = os.path.join(self.build_lib, "valuepix_core")
        os.makedirs(os.path.join(pkg, "_include"), exist_ok=True)
        shutil.copy2(os.path.join(HERE, "native", "include", "valuepix.h"), os.path.join(pkg, "_include"))
        for manifest_path in sorted(glob.glob(os.path.join(HERE, "models", "*", "manifest.json"))):
            model_dir = os.path.dirname(manifest_path)
            dst = os.path.join(pkg, "_models", os.path.basename(model_dir))
            os.makedirs(dst, exist_ok=True)
            shutil.copy2(manifest_path, dst)
            with open(manifest_path) as f:
                files = json.load(f).get("files", {})
            # ship exactly the files the manifest lists (scripts and reports stay in the repository)
            for entry in files.values():
                rel = entry["path"] if isinstance(entry, dict) else entry
                shutil.copy2(os.path.join(model_dir, rel), os.path.join(dst, os.path.basename(rel)))


ext = Pybind11Extension(
    "valuepix_core._native",
    [os.path.join("bindings", "pybind11", "vp_module.cpp")],
    include_dirs=[os.path.join("native", "include")],
    cxx_std=17,
)

setup(ext_modules=[ext], cmdclass={"build_ext": BuildExt, "build_py": BuildPy})
