/**
 * Preference tuning of the generator: a {@link genrec.generator.align.Reward} scores generated
 * lists (relevance from an {@link genrec.generator.align.ItemRewardModel}, diversity, novelty,
 * a history penalty), {@link genrec.generator.align.PairSelector} turns scored beams into
 * (chosen, rejected) semantic IDs, {@link genrec.generator.align.DpoLoss} is the DPO objective
 * against a frozen reference copy of the generator, and {@link genrec.generator.align.DpoTrainer}
 * runs rounds of pair generation and tuning. Legend of tensor shapes: B pairs in a batch, T
 * decoder steps (the SID levels), K codebook size, S encoder positions, G tokens per position.
 */
package genrec.generator.align;
