/**
 * Decoding in parts (HF {@code beam_search.py}, llama3.java {@code State}/{@code Sampler}): the
 * step function {@link genrec.generator.decode.DecoderStep}; the per-request {@link
 * genrec.generator.decode.KvCache} (self-attention keys/values, reordered by beam index) and
 * {@link genrec.generator.decode.CrossAttentionMemory} (cross-attention keys/values computed once
 * per user and shared by that user's beams); the beam bookkeeping {@link
 * genrec.generator.decode.BeamState}; the constraint behind {@link
 * genrec.generator.decode.DecodeConstraint} ({@link genrec.generator.decode.PrefixTrie}, or
 * {@link genrec.generator.decode.Unconstrained} to measure invalid rates); {@link
 * genrec.generator.decode.BeamSearch} (greedy = beam width 1); and {@link
 * genrec.generator.decode.GenerativeRecommender}, the adapter to the evaluation harness, with
 * {@link genrec.generator.decode.GeneratorMixture} to evaluate several generators as one.
 *
 * <p>Shape legend: U users in the request, W rows (beams) per user, N = U·W decoding rows
 * (user-major: rows {@code u·W .. u·W+W-1} belong to user u), L decoder layers, H heads, Dh head
 * width, S encoder positions, D model width, K codebook size, t steps decoded so far.
 */
package genrec.generator.decode;
