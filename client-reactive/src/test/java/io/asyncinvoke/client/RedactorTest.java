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

    private static final String LONG_KEY = "sk-do-v1-0123456789abcdef0123456789abcdef/+=";

    private static String jsonEscapedEveryOther(String key) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            out.append(i % 2 == 0 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }

    @Test
    void escapedFormsOfTheKeyAreMaskedToo() {
        Redactor r = new Redactor(LONG_KEY);
        String percent = java.net.URLEncoder.encode(LONG_KEY, StandardCharsets.UTF_8);
        String allPercent = LONG_KEY.chars().mapToObj(c -> String.format("%%%02X", c)).collect(java.util.stream.Collectors.joining());
        String lowerPercent = allPercent.toLowerCase(java.util.Locale.ROOT);
        String html = LONG_KEY.chars().mapToObj(c -> "&#" + c + ";").collect(java.util.stream.Collectors.joining());
        String htmlHex = LONG_KEY.chars().mapToObj(c -> "&#x" + Integer.toHexString(c) + ";").collect(java.util.stream.Collectors.joining());
        String json = jsonEscapedEveryOther(LONG_KEY);
        String slashEscaped = LONG_KEY.replace("/", "\\/");
        for (String form : new String[] {LONG_KEY, percent, allPercent, lowerPercent, html, htmlHex, json, slashEscaped}) {
            assertThat(r.apply("before " + form + " after")).as(form).isEqualTo("before [REDACTED] after");
            assertThat(new String(r.apply(bytes("<p>" + form + "</p>")), StandardCharsets.UTF_8)).as(form)
                    .isEqualTo("<p>[REDACTED]</p>");
        }
    }

    @Test
    void theKeyInsideBase64OfAnyTextIsMaskedAtEveryAlignment() {
        Redactor r = new Redactor(LONG_KEY);
        for (String text : new String[] {"Bearer " + LONG_KEY, "Authorization: Bearer " + LONG_KEY, "x" + LONG_KEY + "y",
                LONG_KEY, "ab" + LONG_KEY}) {
            for (java.util.Base64.Encoder encoder : new java.util.Base64.Encoder[] {java.util.Base64.getEncoder(),
                    java.util.Base64.getUrlEncoder()}) {
                String encoded = encoder.encodeToString(text.getBytes(StandardCharsets.UTF_8));
                String redacted = r.apply("token=" + encoded);
                assertThat(redacted).as(text).contains("[REDACTED]");
                assertThat(r.apply(redacted)).as("nothing of the key is left to find").isEqualTo(redacted);
                assertThat(redacted.length()).as("the key's part is what went").isLessThan(encoded.length());
            }
        }
    }

    @Test
    void aJsonBodyIsRedactedAfterDecodingInEveryStringAndFieldName() throws Exception {
        Redactor r = new Redactor(LONG_KEY);
        String escaped = jsonEscapedEveryOther(LONG_KEY);
        String body = "{\"request_id\":\"" + escaped + "\",\"status\":\"" + escaped + "\",\"error\":\"bad " + escaped
                + "\",\"output\":{\"" + escaped + "\":[{\"url\":\"https://m/" + escaped + "\"}]},\"n\":3.5}";

        byte[] out = r.apply(bytes(body));
        String decoded = AsyncInvokeJson.MAPPER.readTree(out).toString();

        assertThat(decoded).doesNotContain(LONG_KEY).doesNotContain(escaped).contains("[REDACTED]").contains("3.5");
        assertThat(AsyncInvokeJson.MAPPER.readTree(out).get("status").asText()).isEqualTo("[REDACTED]");
    }

    @Test
    void onlyTheWholeKeyIsEverMasked() {
        Redactor r = new Redactor("abcdefgh");
        assertThat(r.apply("UnknownHostException abcdefg bcdefgh %61%62%63")).isEqualTo("UnknownHostException abcdefg bcdefgh %61%62%63");
        assertThat(r.apply("xabcdefghx")).isEqualTo("x[REDACTED]x");
    }
}
