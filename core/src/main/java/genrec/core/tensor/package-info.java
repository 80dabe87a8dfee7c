/**
 * Named float tensors off native memory: the {@link genrec.core.tensor.Tensor} record (shape and
 * row-major values) and {@link genrec.core.tensor.TensorFile}, one self-contained binary file (a
 * JSON header, then named tensors) written atomically: the format of the generator, alignment and
 * ranker model and checkpoint files.
 */
package genrec.core.tensor;
