/**
 * The item catalogue: {@link genrec.quantizer.catalog.Item}s with dense indices, readers for the
 * Amazon Beauty, MovieLens and generic JSONL item formats, and a seeded synthetic catalogue with
 * realistic product text.
 */
package genrec.quantizer.catalog;
