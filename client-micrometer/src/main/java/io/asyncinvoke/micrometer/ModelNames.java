package io.asyncinvoke.micrometer;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Model ids as tag values, bounded: the first {@value #MAX_MODELS} seen as they are, the rest {@code other}. */
final class ModelNames {

    /** How many distinct model ids are used as tag values before the rest become {@code other}. */
    static final int MAX_MODELS = 100;

    private final Set<String> models = ConcurrentHashMap.newKeySet();

    String tag(String modelId) {
        if (modelId == null || modelId.isBlank()) {
            return "unknown";
        }
        if (models.contains(modelId)) {
            return modelId;
        }
        // The check and the add race, so the set may overshoot a little: harmless.
        if (models.size() >= MAX_MODELS) {
            return "other";
        }
        models.add(modelId);
        return modelId;
    }
}
