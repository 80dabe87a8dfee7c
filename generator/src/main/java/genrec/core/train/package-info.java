/**
 * The one training loop of genrec: {@link genrec.core.train.TrainingLoop} runs a {@link
 * genrec.core.train.TrainTask} (the generator, DPO alignment, the ranker) with seeds and step
 * seeds ({@link genrec.core.train.Seeds}), epoch batching with optional length buckets ({@link
 * genrec.core.train.EpochBatches}), a time limit, a step limit, a Ctrl-C checkpoint, validation
 * at a fixed cadence, the best-so-far by a named metric with optional early stopping, and a
 * progress line. Its state and the task's extra state go into one checkpoint format ({@link
 * genrec.core.train.TrainCheckpoint}, written atomically) that resumes a run exactly; a
 * checkpoint is refused by a run whose {@link genrec.core.train.RunIdentity} differs.
 *
 * <p>Depends only on DJL, the JDK, {@code genrec.core.io}, the {@code Tensor} record and
 * the optimiser and tensor file of {@code genrec.generator.train} (all of which move with this
 * package into the {@code core} module).
 */
package genrec.core.train;
