# -*- Python -*-
import os
import shutil
import sys

import lit.formats
from lit.llvm import llvm_config

config.name = "LP"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".py"]
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "Unit", "Integration", "Inputs", "helpers"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.lp_obj_root, "test")

python = config.python_executable or sys.executable
config.substitutions.append(("%python", python))
config.substitutions.append(("%lp_src", config.lp_src_root))
config.substitutions.append(("%mlir_opt", os.path.join(config.llvm_tools_dir, "mlir-opt")))
config.environment["PYTHONPATH"] = os.path.join(config.lp_src_root, "test", "helpers")

llvm_config.use_default_substitutions()
tool_dirs = [os.path.join(config.lp_obj_root, "bin"), config.llvm_tools_dir]
llvm_config.add_tool_substitutions(["lp-opt", "lp-translate", "lp-run"], tool_dirs)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

# The CUDA toolkit's ptxas (gpu-module-to-binary assembles cubins with it).
# Tests that need it say REQUIRES: ptxas; lit lists them as UNSUPPORTED
# with the missing feature where the toolkit is absent.
cuda_toolkit = os.environ.get("LP_CUDA_TOOLKIT", "/usr/local/cuda")
if os.access(os.path.join(cuda_toolkit, "bin", "ptxas"), os.X_OK):
    config.available_features.add("ptxas")
config.substitutions.append(("%cuda_toolkit", cuda_toolkit))
