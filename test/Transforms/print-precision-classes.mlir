// RUN: lp-opt %s --lp-print-precision-classes -o /dev/null | FileCheck %s
// The table of precision classes, read from the ops' declarations.

// CHECK: | class | meaning | ops |
// CHECK: | `lowp` | {{.*}}`lp.conv2d`, {{.*}}`lp.linear`, `lp.matmul` |
// CHECK: | `fp32` | {{.*}}`lp.cross_entropy`, {{.*}}`lp.softmax` |
// CHECK: | `follow` | {{.*}}`lp.add`, {{.*}}`lp.relu`, {{.*}}
// CHECK: | `clear` | {{.*}}`lp.cast`, {{.*}}`lp.reshape`, {{.*}}
// CHECK-NOT: no class declared
module {}
