//===- EmitKernels.cpp - --lp-to-ptx and --lp-to-cubin --------------------===//
//
// A module lowered by lp-lower-to-nvvm holds its kernels as one gpu.binary
// (lp-merge-gpu-modules): PTX with format=isa, a cubin with format=bin.
// These translations write that object as it is, to read the PTX, to run
// cuobjdump or nvdisasm on the cubin, or to load it with the driver.
//
//===----------------------------------------------------------------------===//

#include "lp/Target/GPU/EmitKernels.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Tools/mlir-translate/Translation.h"

using namespace mlir;

/// Writes the one object of the module's one gpu.binary if it has `format`.
/// Errors are reported on the module: the binary's own line is megabytes.
static LogicalResult emitObject(Operation *op, llvm::raw_ostream &os,
                                gpu::CompilationTarget format,
                                StringRef formatName, StringRef what) {
  SmallVector<gpu::BinaryOp> binaries;
  op->walk([&](gpu::BinaryOp b) { binaries.push_back(b); });
  if (binaries.empty())
    return op->emitError("no gpu.binary: lower the module with "
                         "lp-lower-to-nvvm=\"format=")
           << formatName << "\" first";
  if (binaries.size() > 1)
    return op->emitError("two gpu.binary ops: --lp-to-")
           << what << " writes one (lp-lower-to-nvvm merges a module's "
           << "kernels into one)";
  ArrayAttr objects = binaries[0].getObjectsAttr();
  if (objects.size() != 1)
    return op->emitError("the gpu.binary holds ")
           << objects.size() << " objects; --lp-to-" << what
           << " writes one (one chip)";
  auto object = cast<gpu::ObjectAttr>(objects[0]);
  if (object.getFormat() != format)
    return op->emitError("the gpu.binary's object is '")
           << gpu::stringifyCompilationTarget(object.getFormat()) << "', not "
           << what << ": lower with lp-lower-to-nvvm=\""
           << "format=" << formatName << "\"";
  StringRef bytes = object.getObject().getValue();
  // PTX is kept NUL-terminated for the driver's JIT.
  if (format == gpu::CompilationTarget::Assembly)
    bytes = bytes.rtrim('\0');
  os << bytes;
  return success();
}

static void registerDialects(DialectRegistry &registry) {
  registry.insert<LLVM::LLVMDialect, gpu::GPUDialect, NVVM::NVVMDialect>();
}

void lp::registerKernelTranslations() {
  TranslateFromMLIRRegistration ptx(
      "lp-to-ptx",
      "Write the PTX of a module lowered by lp-lower-to-nvvm=\"format=isa\"",
      [](Operation *op, llvm::raw_ostream &os) {
        return emitObject(op, os, gpu::CompilationTarget::Assembly, "isa",
                          "ptx");
      },
      registerDialects);
  TranslateFromMLIRRegistration cubin(
      "lp-to-cubin",
      "Write the cubin of a module lowered by lp-lower-to-nvvm (format=bin, "
      "the default)",
      [](Operation *op, llvm::raw_ostream &os) {
        return emitObject(op, os, gpu::CompilationTarget::Binary, "bin",
                          "cubin");
      },
      registerDialects);
}
