/**
 * Benchmarks of SpikeLM against other engines, launched by {@code java -jar
 * bench/target/spikelm-bench.jar}: {@code onnx} runs the real all-MiniLM-L6-v2 by ONNX Runtime from
 * its original ONNX file and by SpikeLM on the same weights, interleaved in one JVM. This module is
 * not published: ONNX Runtime is a dependency of the benchmarks only.
 */
package ai.spikelm.bench;
