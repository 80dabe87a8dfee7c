/**
 * Benchmarks of the re-ranking stage, run by {@code genrec bench rerank}: latency of MMR and DPP
 * per call on seeded random candidates ({@link genrec.cascade.rerank.bench.RerankBenchmark}) and
 * the Bloom filters' measured false-positive rate and memory
 * ({@link genrec.cascade.rerank.bench.ExposureBenchmark}); and the chart of {@code genrec
 * rerank-eval}'s sweep, NDCG against ILD ({@link genrec.cascade.rerank.bench.RerankSweepChart}).
 */
package genrec.cascade.rerank.bench;
