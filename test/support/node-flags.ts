// Node 20's V8 intermittently aborts in its deoptimizer ("Fatal error … unreachable code",
// nodejs/node#51555 and #57556), killing a test worker or a spawned process at random. Without the
// optimizing compiler there is nothing to deoptimize, so test workers and the processes tests spawn
// run with these flags. (V8 flags are process-wide: worker threads inherit them.)
export const TEST_NODE_FLAGS = ['--no-opt'];
