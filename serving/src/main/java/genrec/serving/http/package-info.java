/**
 * The HTTP service ({@code genrec serve}): {@link genrec.serving.http.ServingModel} holds one
 * loaded run (catalogue, semantic-ID table, decoding trie, generator, quantizer for cold start);
 * {@link genrec.serving.http.ModelHolder} swaps runs atomically while in-flight requests finish on
 * the old one; {@link genrec.serving.http.InferencePool} runs beam search on named worker threads
 * behind a bounded queue, micro-batching requests that wait together; {@link
 * genrec.serving.http.GenrecServer} is the Vert.x front (routing, validation, limits, metrics),
 * which never blocks its event loop; {@link genrec.serving.http.JsonBody} reads every request
 * body the same way; {@link genrec.serving.http.AdminToken} guards the admin routes; {@link
 * genrec.serving.http.CatalogSnapshot} keeps in the run folder what serving needs of the dataset.
 * The cascade: {@link genrec.serving.http.PipelineConfig} (the preset's defaults), {@link
 * genrec.serving.http.PipelineRequest} (a request's {@code pipeline}, validated, translated into
 * the library's {@code CascadeRequest}) and {@code ExposureStore} (shown items and new-item
 * showings, persisted); the stages themselves are the model's {@link
 * genrec.cascade.pipeline.Pipeline}, the same object {@code genrec eval --cascade} measures.
 */
package genrec.serving.http;
