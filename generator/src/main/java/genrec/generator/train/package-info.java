/**
 * Training the generator (the TIGER recipe): {@link genrec.generator.train.TrainConfig}
 * (immutable, presets tiny / demo / beauty), {@link genrec.generator.train.GeneratorTrainer}
 * (mandatory seed; every prefix of each training sequence with the next item as target, teacher
 * forcing, cross-entropy, our own {@link genrec.generator.train.AdamW} so that its moments can be
 * saved, global-norm clipping, seeded shuffling, validation with constrained beam search on a
 * fixed seeded subset, best-checkpoint keeping, early stopping, exact resume from a {@link
 * genrec.generator.train.Checkpoint}; the loop itself, its limits and checkpoint format are
 * {@link genrec.core.train.TrainingLoop}'s), the immutable trained {@link
 * genrec.generator.train.GeneratorModel}, and the {@link genrec.generator.train.TrainResult}.
 *
 * <p>Files are single binary files written atomically by {@link
 * genrec.core.tensor.TensorFile}: a JSON header (configs, seed, fingerprints, position) and
 * named float tensors.
 *
 * <p>Shape legend: B batch (samples), S encoder positions, G tokens per position, T decoder
 * steps (= levels), K codebook size, D model width.
 */
package genrec.generator.train;
