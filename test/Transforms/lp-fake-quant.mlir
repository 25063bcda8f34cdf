// RUN: lp-opt %s --lp-fake-quant | FileCheck %s --check-prefix=DEFAULT
// RUN: lp-opt %s --lp-fake-quant="weight-range=current granularity=per-tensor activations=none overrides=param:fc2.w=int4" | FileCheck %s --check-prefix=CURRENT
// RUN: lp-opt %s --lp-fake-quant="weights=int4 observer=min-max overrides=layer:fc1=int8,layer:fc2=bf16" | FileCheck %s --check-prefix=HYBRID
// RUN: lp-opt %s --lp-fake-quant="calibrate=3 freeze-after=10" | FileCheck %s --check-prefix=PHASES
// RUN: lp-opt %s --lp-build-train-step="fake-quant=on" | FileCheck %s --check-prefix=STEP
// RUN: lp-opt %s --lp-fake-quant="weight-range=learned activations=none" | FileCheck %s --check-prefix=LEARNED
// RUN: lp-opt %s --lp-build-train-step="fake-quant='weight-range=learned activations=none'" | FileCheck %s --check-prefix=LEARNED-STEP

// Defaults: int8 weights, symmetric, per output channel, observed by a
// moving average; int8 activations, affine, per tensor. Each observer is
// a pair of state arguments that start empty (min 1 > max -1) and are
// returned updated; biases stay f32; an input is named after its argument.

// DEFAULT-LABEL: func.func @mlp
// DEFAULT-SAME: %[[X:[a-z0-9]+]]: tensor<4x6xf32> {lp.name = "x", lp.role = "input"}
// DEFAULT-SAME: %[[W1:[a-z0-9]+]]: tensor<6x8xf32> {lp.name = "fc1.w", lp.role = "param"}
// DEFAULT-SAME: %[[B1:[a-z0-9]+]]: tensor<8xf32> {lp.name = "fc1.b", lp.role = "param"}
// DEFAULT-SAME: %[[XMIN:[a-z0-9]+]]: tensor<f32> {lp.init = "constant(1)", lp.name = "x.fq.min", lp.role = "state"}
// DEFAULT-SAME: %[[XMAX:[a-z0-9]+]]: tensor<f32> {lp.init = "constant(-1)", lp.name = "x.fq.max", lp.role = "state"}
// DEFAULT-SAME: tensor<8xf32> {lp.init = "constant(1)", lp.name = "fc1.w.fq.min", lp.role = "state"}
// DEFAULT-SAME: lp.name = "fc2.lhs.fq.min"
// DEFAULT-SAME: tensor<3xf32> {lp.init = "constant(1)", lp.name = "fc2.w.fq.min", lp.role = "state"}
// DEFAULT-SAME: -> (tensor<f32> {lp.name = "loss"}, tensor<f32> {lp.name = "x.fq.min"}, tensor<f32> {lp.name = "x.fq.max"}, tensor<8xf32> {lp.name = "fc1.w.fq.min"}
// DEFAULT: %[[LO:.*]], %[[HI:.*]] = lp.aminmax %[[X]] {lp.layer = "fc1"}
// DEFAULT: %[[NLO:.*]], %[[NHI:.*]] = lp.observe %[[LO]], %[[HI]], %[[XMIN]], %[[XMAX]] {averaging_constant = 1.000000e-02 : f64, lp.layer = "fc1"}
// DEFAULT: %[[S:.*]], %[[Z:.*]] = lp.quant_params %[[NLO]], %[[NHI]] {lp.layer = "fc1", quant_max = 127 : i64, quant_min = -128 : i64}
// DEFAULT: %[[XQ:.*]] = lp.fake_quant %[[X]], %[[S]], %[[Z]] {lp.layer = "fc1", quant_max = 127 : i64, quant_min = -128 : i64}
// DEFAULT: lp.aminmax %[[W1]] {axis = 1 : i64, lp.layer = "fc1"} : (tensor<6x8xf32>) -> (tensor<8xf32>, tensor<8xf32>)
// DEFAULT: lp.quant_params {{.*}}symmetric
// DEFAULT: %[[WQ:.*]] = lp.fake_quant %[[W1]], {{.*}}axis = 1 : i64
// DEFAULT: lp.linear %[[XQ]], %[[WQ]], %[[B1]]
// DEFAULT: lp.fake_quant
// DEFAULT: lp.fake_quant {{.*}}axis = 1 : i64
// DEFAULT: lp.matmul
// DEFAULT: return {{.*}}, %[[NLO]], %[[NHI]],

// weight-range=current: no state, the range of the weight itself every
// step; a parameter override sets that weight's bits.

// CURRENT-LABEL: func.func @mlp
// CURRENT-NOT: lp.role = "state"
// CURRENT-SAME: -> (tensor<f32> {lp.name = "loss"}) {
// CURRENT: %[[LO:.*]], %[[HI:.*]] = lp.aminmax %arg2 {lp.layer = "fc1"} : (tensor<6x8xf32>) -> (tensor<f32>, tensor<f32>)
// CURRENT: lp.quant_params %[[LO]], %[[HI]] {lp.layer = "fc1", quant_max = 127 : i64, quant_min = -128 : i64, symmetric}
// CURRENT: lp.linear %arg0,
// CURRENT: lp.quant_params {{.*}}quant_max = 7 : i64, quant_min = -8 : i64, symmetric
// CURRENT: lp.matmul %{{.*}}, %{{.*}} {lp.layer = "fc2"}

// Hybrid: fc1 at int8 (its override), fc2 left in float for lp-autocast;
// min-max observers have no averaging constant.

// HYBRID-LABEL: func.func @mlp
// HYBRID: lp.observe %{{[^{]*}} {lp.layer = "fc1"}
// HYBRID: lp.quant_params {{.*}}quant_max = 127 : i64, quant_min = -128 : i64, symmetric
// HYBRID: lp.linear
// HYBRID-NOT: lp.fake_quant
// HYBRID: lp.matmul %{{.*}}, %arg4 {lp.layer = "fc2"}

// Phases: a step counter `fq.steps` (state, +1 per forward call);
// observers run while 10 - steps > 0, fake quantization once
// steps - 2.5 > 0 (steps >= 3).

// PHASES-LABEL: func.func @mlp
// PHASES-SAME: %[[STEPS:[a-z0-9]+]]: tensor<f32> {lp.init = "zeros", lp.name = "fq.steps", lp.role = "state"}
// PHASES-SAME: tensor<f32> {lp.name = "fq.steps"}
// PHASES-DAG: %[[C:.*]] = arith.constant dense<2.500000e+00> : tensor<f32>
// PHASES-DAG: %[[QON:.*]] = lp.sub %[[STEPS]], %[[C]]
// PHASES-DAG: %[[N:.*]] = arith.constant dense<1.000000e+01> : tensor<f32>
// PHASES-DAG: %[[OON:.*]] = lp.sub %[[N]], %[[STEPS]]
// PHASES-DAG: %[[ONE:.*]] = arith.constant dense<1.000000e+00> : tensor<f32>
// PHASES-DAG: %[[NEXT:.*]] = lp.add %[[STEPS]], %[[ONE]]
// PHASES: %[[NLO:.*]], %[[NHI:.*]] = lp.observe
// PHASES: %[[LO:.*]] = lp.select %[[OON]], %[[NLO]], %{{.*}}
// PHASES: %[[HI:.*]] = lp.select %[[OON]], %[[NHI]], %{{.*}}
// PHASES: %[[XQ:.*]] = lp.fake_quant %arg0
// PHASES: lp.select %[[QON]], %[[XQ]], %arg0
// PHASES: return %{{.*}}, %[[NEXT]], %[[LO]], %[[HI]],

// Inside lp-build-train-step the observers' updates are state results of
// the step, and the step differentiates through the straight-through
// estimator.

// weight-range=learned: the scale is the current range's (through
// lp.stop_gradient) times exp of a parameter `<w>.fq.log_scale` (zeros),
// learned with LSQ's gradient scaled by 1/sqrt(6 * 127) for fc1.w's
// columns of 6; the train step updates it with the weights.

// LEARNED-LABEL: func.func @mlp
// LEARNED-SAME: %[[A:[a-z0-9]+]]: tensor<8xf32> {lp.init = "zeros", lp.name = "fc1.w.fq.log_scale", lp.role = "param"}
// LEARNED: %[[S0:.*]], %[[Z0:.*]] = lp.quant_params
// LEARNED: %[[S:.*]] = lp.stop_gradient %[[S0]]
// LEARNED: %[[Z:.*]] = lp.stop_gradient %[[Z0]]
// LEARNED: %[[E:.*]] = lp.exp %[[A]]
// LEARNED: %[[SC:.*]] = lp.mul %[[S]], %[[E]]
// LEARNED: lp.fake_quant %arg2, %[[SC]], %[[Z]] {axis = 1 : i64, grad_factor = 0.036226{{[0-9]*}} : f64, learnable
// LEARNED-STEP-LABEL: func.func @mlp_train_step
// LEARNED-STEP: lp.fake_quant_range_grad
// LEARNED-STEP: lp.name = "fc1.w.fq.log_scale"

// STEP-LABEL: func.func @mlp_train_step
// STEP: lp.fake_quant_grad
// STEP: return {{.*}}tensor<f32>, tensor<f32>, tensor<8xf32>, tensor<8xf32>, tensor<f32>, tensor<f32>, tensor<3xf32>, tensor<3xf32>
func.func @mlp(%x: tensor<4x6xf32> {lp.role = "input", lp.name = "x"},
               %y: tensor<4xi64> {lp.role = "label", lp.name = "y"},
               %w1: tensor<6x8xf32> {lp.role = "param", lp.name = "fc1.w"},
               %b1: tensor<8xf32> {lp.role = "param", lp.name = "fc1.b"},
               %w2: tensor<8x3xf32> {lp.role = "param", lp.name = "fc2.w"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %h = lp.linear %x, %w1, %b1 {lp.layer = "fc1"} : (tensor<4x6xf32>, tensor<6x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %a = lp.relu %h {lp.layer = "fc1"} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %o = lp.matmul %a, %w2 {lp.layer = "fc2"} : (tensor<4x8xf32>, tensor<8x3xf32>) -> tensor<4x3xf32>
  %l = lp.cross_entropy %o, %y : (tensor<4x3xf32>, tensor<4xi64>) -> tensor<f32>
  return %l : tensor<f32>
}
