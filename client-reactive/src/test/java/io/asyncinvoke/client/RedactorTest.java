package io.asyncinvoke.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RedactorTest {

    private static final String KEY = "sk-do-abc123";
    private final Redactor redactor = new Redactor(KEY);

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aCleanBodyIsReturnedAsIsWithoutACopy() {
        byte[] body = bytes("{\"request_id\":\"r\",\"status\":\"QUEUED\",\"note\":\"sk-do-abc12\"}");

        assertThat(redactor.apply(body)).isSameAs(body);
        assertThat(redactor.apply(new byte[0])).isEmpty();
    }

    @Test
    void theKeyIsMaskedWhereverItStands() {
        assertThat(new String(redactor.apply(bytes(KEY + " at the start, " + KEY + " in the middle, at the end " + KEY)),
                StandardCharsets.UTF_8))
                .isEqualTo("[REDACTED] at the start, [REDACTED] in the middle, at the end [REDACTED]");
        assertThat(new String(redactor.apply(bytes("ss" + KEY)), StandardCharsets.UTF_8)).isEqualTo("ss[REDACTED]");
        assertThat(redactor.apply("Bearer " + KEY)).isEqualTo("Bearer [REDACTED]");
        assertThat(redactor.apply((String) null)).isNull();
        assertThat(redactor.toString()).doesNotContain(KEY);
    }
}
