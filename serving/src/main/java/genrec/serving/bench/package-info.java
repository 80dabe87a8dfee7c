/**
 * Load generation against a running {@code genrec serve}, as library code returning result
 * objects: {@link genrec.serving.bench.HttpLoad} (readiness, closed-loop levels, an open-loop
 * soak), {@link genrec.serving.bench.InProcessLoad} (the same histories through beam search in
 * this process) and the statistics they share ({@link genrec.serving.bench.BenchStats}). The
 * {@code genrec bench http} command only parses options and prints these results.
 */
package genrec.serving.bench;
