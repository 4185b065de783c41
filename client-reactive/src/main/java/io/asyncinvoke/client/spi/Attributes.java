package io.asyncinvoke.client.spi;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Room for listeners' own state on an {@link Exchange} or a {@link JobCall}, keyed by whatever the
 * listener chooses (its class, say), so that an event can find what an earlier one started.
 */
public abstract class Attributes {

    private volatile Map<Object, Object> values;

    Attributes() {
    }

    /** The value stored under {@code key}, or {@code null}. */
    @SuppressWarnings("unchecked")
    public final <T> T attribute(Object key) {
        Map<Object, Object> map = values;
        return map == null ? null : (T) map.get(key);
    }

    /** Stores {@code value} under {@code key} ({@code null} removes it). */
    public final void attribute(Object key, Object value) {
        Map<Object, Object> map = values;
        if (map == null) {
            synchronized (this) {
                if (values == null) {
                    values = new ConcurrentHashMap<>(4);
                }
                map = values;
            }
        }
        if (value == null) {
            map.remove(key);
        } else {
            map.put(key, value);
        }
    }
}
