/**
 * Benchmarks of the serving path: {@link genrec.generator.bench.BeamBenchmark} times batched,
 * trie-constrained beam search with and without the KV cache, beside the analytic FLOPs of each
 * call ({@link genrec.generator.bench.DecodeFlops}) and the engine's measured matmul peak.
 */
package genrec.generator.bench;
