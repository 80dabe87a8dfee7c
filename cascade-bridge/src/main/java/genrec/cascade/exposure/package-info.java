/**
 * What users have already been shown, kept small: {@link genrec.cascade.exposure.BloomFilter}
 * (a fixed-size set with no false negatives and a configurable false-positive rate),
 * {@link genrec.cascade.exposure.ShownItems} (per-user filters in two generations rotated every
 * T, bounded by a maximum number of users, saved atomically in a folder) and
 * {@link genrec.cascade.exposure.ItemExposureCounts} (how often each new item was shown, for the
 * cold-start exposure cap).
 */
package genrec.cascade.exposure;
