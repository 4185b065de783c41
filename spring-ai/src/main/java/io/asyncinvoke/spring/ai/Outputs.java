package io.asyncinvoke.spring.ai;

import io.asyncinvoke.model.Job;
import java.io.ByteArrayOutputStream;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Reading a job's free-form output, tolerating anything unexpected, as JobOutput does. */
final class Outputs {

    private Outputs() {
    }

    static Map<String, Object> raw(Job job) {
        return job.getOutput() == null ? Collections.emptyMap() : job.getOutput();
    }

    static @Nullable Long longValue(@Nullable Object value) {
        return value instanceof Number ? Long.valueOf(((Number) value).longValue()) : null;
    }

    static @Nullable Boolean flag(@Nullable Object list, int index) {
        if (list instanceof List && index < ((List<?>) list).size()) {
            Object value = ((List<?>) list).get(index);
            return value instanceof Boolean ? (Boolean) value : null;
        }
        return null;
    }

    /** The chunks as one array (their total is bounded by the download's size limit). */
    static Mono<byte[]> join(Flux<byte[]> chunks) {
        return chunks.collect(ByteArrayOutputStream::new, ByteArrayOutputStream::writeBytes)
                .map(ByteArrayOutputStream::toByteArray);
    }
}
