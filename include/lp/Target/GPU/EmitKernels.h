//===- EmitKernels.h - the kernels of a GPU step ----------------*- C++ -*-===//

#ifndef LP_TARGET_GPU_EMITKERNELS_H
#define LP_TARGET_GPU_EMITKERNELS_H

namespace lp {

/// Registers lp-translate's --lp-to-ptx and --lp-to-cubin: the kernels of a
/// module lowered by lp-lower-to-nvvm (format=isa and format=bin), as a
/// PTX file and a cubin.
void registerKernelTranslations();

} // namespace lp

#endif // LP_TARGET_GPU_EMITKERNELS_H
