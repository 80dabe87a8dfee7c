package genrec.serving.http;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The model the service currently serves. {@link #acquire} hands out a reference-counted lease;
 * {@link #swap} installs a new model atomically, and the old one closes when its last in-flight
 * request releases it, so no request fails during a reload.
 */
public final class ModelHolder implements AutoCloseable {
  private final AtomicReference<ServingModel> current = new AtomicReference<>();

  /** The current model, retained (call {@link ServingModel#release}), or null before the first. */
  public ServingModel acquire() {
    while (true) {
      ServingModel m = current.get();
      if (m == null) {
        return null;
      }
      if (m.retain()) {
        return m;
      }
      // m was swapped out and closed between get() and retain(): read again
    }
  }

  /** True once a model is installed. */
  public boolean ready() {
    return current.get() != null;
  }

  /** Installs {@code next}; the previous model is released (closed once no request holds it). */
  public void swap(ServingModel next) {
    ServingModel old = current.getAndSet(next);
    if (old != null) {
      old.release();
    }
  }

  @Override
  public void close() {
    ServingModel old = current.getAndSet(null);
    if (old != null) {
      old.release();
    }
  }
}
