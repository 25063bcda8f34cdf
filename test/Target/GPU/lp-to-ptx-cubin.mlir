// REQUIRES: ptxas
// The kernels of a lowered step as a file: PTX that ptxas assembles, and
// the cubin (an ELF object).
// RUN: lp-opt %s --lp-lower-to-nvvm="toolkit=%cuda_toolkit chip=sm_80 format=isa" | lp-translate --lp-to-ptx -o %t.ptx
// RUN: FileCheck %s --input-file=%t.ptx
// RUN: %cuda_toolkit/bin/ptxas -arch=sm_80 %t.ptx -o %t.from-ptx.cubin
// RUN: lp-opt %s --lp-lower-to-nvvm="toolkit=%cuda_toolkit" | lp-translate --lp-to-cubin -o %t.cubin
// RUN: od -A n -c -N 4 %t.cubin | FileCheck %s --check-prefix=ELF
// RUN: lp-opt %s --lp-lower-to-nvvm="toolkit=%cuda_toolkit" | not lp-translate --lp-to-ptx 2>&1 | FileCheck %s --check-prefix=NOTPTX
// RUN: lp-opt %s --lp-lower-to-nvvm="toolkit=%cuda_toolkit format=isa" | not lp-translate --lp-to-cubin 2>&1 | FileCheck %s --check-prefix=NOTCUBIN
// RUN: lp-opt %s --lp-lower-to-llvm | not lp-translate --lp-to-ptx 2>&1 | FileCheck %s --check-prefix=NOGPU
// The signature of a GPU step says where its buffers live.
// RUN: lp-opt %s --lp-lower-to-nvvm="toolkit=%cuda_toolkit" | lp-translate --lp-print-signature | FileCheck %s --check-prefix=SIG

// CHECK: .version 8.0
// CHECK: .target sm_80
// CHECK: .visible .entry scale_kernel(
// ELF: 177 E L F
// NOTPTX: error: the gpu.binary's object is 'bin', not ptx: lower with lp-lower-to-nvvm="format=isa"
// NOTCUBIN: error: the gpu.binary's object is 'assembly', not cubin: lower with lp-lower-to-nvvm="format=bin"
// NOGPU: error: no gpu.binary: lower the module with lp-lower-to-nvvm="format=isa" first
// SIG: "device":"cuda"
// SIG-SAME: "function":"scale"

func.func @scale(%x: tensor<300xf32> {lp.role = "input"}) -> (tensor<300xf32> {lp.name = "y"}) {
  %y = lp.exp %x : (tensor<300xf32>) -> tensor<300xf32>
  return %y : tensor<300xf32>
}
