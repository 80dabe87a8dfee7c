/**
 * Interaction data: user sequences read from the Amazon (S3-Rec), MovieLens and generic
 * CSV/JSONL formats, a seeded synthetic data set with topical structure, dataset statistics and
 * the leave-one-out split used by S3-Rec and TIGER.
 */
package genrec.generator.data;
