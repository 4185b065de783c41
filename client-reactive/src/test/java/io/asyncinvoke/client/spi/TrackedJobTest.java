package io.asyncinvoke.client.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncinvoke.client.spi.TrackedJob.State;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrackedJobTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:15:30.123456789Z");

    @Test
    void aRecordReadsBackFromItsJsonWithEveryField() {
        Job job = new Job();
        job.setRequestId("req-1");
        job.setStatus(JobState.COMPLETED);
        job.setModelId("fal-ai/flux/schnell");
        job.setCreatedAt(OffsetDateTime.of(2026, 12, 1, 10, 15, 0, 0, ZoneOffset.ofHours(2)));
        job.setOutput(Map.of("images", List.of(Map.of("url", "https://example.invalid/a.png"))));
        TrackedJob record = TrackedJob.submitting("cover-1", "fal-ai/flux/schnell", "pod-0", T0)
                .submitted("req-1", T0.plusSeconds(1))
                .finished(job, T0.plusSeconds(9))
                .handlerFailed("handler failed: disk full", T0.plusSeconds(10))
                .withLease("pod-1", T0.plusSeconds(40));

        String json = record.toJson();
        TrackedJob back = TrackedJob.fromJson(json);

        assertThat(json).contains("\"key\":\"cover-1\"", "\"model_id\":\"fal-ai/flux/schnell\"",
                "\"request_id\":\"req-1\"", "\"state\":\"FINISHED\"", "\"lease_until\":\"2026-12-01T10:16:10.123456789Z\"",
                "\"version\":4").doesNotContain("present", "Optional");
        assertThat(back).isEqualTo(record);
        assertThat(back.modelId()).isEqualTo("fal-ai/flux/schnell");
        assertThat(back.problem()).contains("handler failed: disk full");
        assertThat(back.attempts()).isEqualTo(1);
        assertThat(back.createdAt()).contains(T0);
        assertThat(back.updatedAt()).contains(T0.plusSeconds(10));
        assertThat(back.job().orElseThrow().getCreatedAt()).isEqualTo(job.getCreatedAt());
        assertThat(back.job().orElseThrow().getOutput()).isEqualTo(job.getOutput());
        assertThat(TrackedJob.fromJson("{\"key\":\"k\",\"model_id\":\"m\",\"state\":\"SUBMITTED\",\"version\":2,"
                + "\"field_of_a_later_version\":{\"x\":1}}").version()).isEqualTo(2);
    }

    @Test
    void everyChangeIsANewVersionButALeaseIsNot() {
        TrackedJob intent = TrackedJob.submitting("k", "m", "pod-0", T0);
        TrackedJob leased = intent.withLease("pod-1", T0.plusSeconds(30));

        assertThat(intent.version()).isEqualTo(1);
        assertThat(leased.version()).isEqualTo(1);
        assertThat(intent.submitted("r", T0).version()).isEqualTo(2);
        assertThat(intent.noted("x", T0).version()).isEqualTo(2);
        assertThat(intent.given(State.OUTCOME_UNKNOWN, "lost", T0).state().isFinal()).isTrue();
        assertThatThrownBy(() -> intent.given(State.SUBMITTED, "no", T0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> intent.given(State.HANDLED, "no", T0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> intent.requeued(T0)).isInstanceOf(IllegalStateException.class);
        TrackedJob parked = intent.given(State.PARKED, "kept failing", T0);
        assertThat(parked.requeued(T0).state()).isEqualTo(State.FINISHED);
        assertThat(parked.requeued(T0).attempts()).isZero();
    }

    @Test
    void whenARecordMayBeClaimed() {
        TrackedJob intent = TrackedJob.submitting("k", "m", "pod-0", T0);

        assertThat(intent.claimableAt(T0)).as("no lease at all").isTrue();
        assertThat(intent.withLease("pod-0", T0.plusSeconds(30)).claimableAt(T0.plusSeconds(29))).isFalse();
        assertThat(intent.withLease("pod-0", T0.plusSeconds(30)).claimableAt(T0.plusSeconds(30))).isTrue();
        assertThat(intent.given(State.EXPIRED, "404", T0).claimableAt(T0)).as("final").isFalse();
    }

    @Test
    void keysAreCheckedBeforeAnythingIsStored() {
        assertThat(TrackedJob.checkKey("order-1042/cover")).isEqualTo("order-1042/cover");
        assertThat(TrackedJob.checkKey("x".repeat(TrackedJob.MAX_KEY_LENGTH))).hasSize(200);
        assertThatThrownBy(() -> TrackedJob.checkKey(null)).hasMessageContaining("blank");
        assertThatThrownBy(() -> TrackedJob.checkKey("  ")).hasMessageContaining("blank");
        assertThatThrownBy(() -> TrackedJob.checkKey("x".repeat(201))).hasMessageContaining("at most 200");
        assertThatThrownBy(() -> TrackedJob.checkKey("a\u0000b")).hasMessageContaining("U+0000 at index 1");
        assertThatThrownBy(() -> TrackedJob.checkKey("a\u2028")).hasMessageContaining("U+2028");
    }
}
