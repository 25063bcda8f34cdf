// RUN: not lp-translate --lp-to-ptx %s --split-input-file 2>&1 | FileCheck %s

// One binary with one object is written; anything else is refused.
// CHECK: error: two gpu.binary ops: --lp-to-ptx writes one (lp-lower-to-nvvm merges a module's kernels into one)
module attributes {gpu.container_module} {
  gpu.binary @a [#gpu.object<#nvvm.target, assembly = "// a">]
  gpu.binary @b [#gpu.object<#nvvm.target, assembly = "// b">]
}

// -----

// CHECK: error: the gpu.binary holds 2 objects; --lp-to-ptx writes one (one chip)
module attributes {gpu.container_module} {
  gpu.binary @a [#gpu.object<#nvvm.target<chip = "sm_80">, assembly = "// a">,
                 #gpu.object<#nvvm.target<chip = "sm_90">, assembly = "// b">]
}
