package io.asyncinvoke.simulator;

import static io.asyncinvoke.simulator.TestHttp.IMAGE_MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class JournalTest {

    @Test
    void everyRequestIsRecordedInOrderWithItsDetails() {
        try (Simulator sim = Simulator.builder().queuedFor(Duration.ofSeconds(10)).start()) {
            TestHttp http = new TestHttp(sim);
            Instant before = Instant.now();
            String body = "{\"model_id\":\"" + IMAGE_MODEL + "\",\"input\":{\"prompt\":\"p\"}}";
            String id = TestHttp.json(http.submit(body)).get("request_id").asText();
            http.status(id);
            http.job(id);
            http.get("/nowhere");
            List<RecordedRequest> all = sim.journal().requests();
            assertThat(all).extracting(RecordedRequest::endpoint)
                    .containsExactly(Endpoint.SUBMIT, Endpoint.STATUS, Endpoint.GET, Endpoint.OTHER);
            assertThat(all).extracting(RecordedRequest::status).containsExactly(202, 200, 200, 404);
            assertThat(all).extracting(RecordedRequest::sequence).isSorted();
            RecordedRequest submit = all.get(0);
            assertThat(submit.method()).isEqualTo("POST");
            assertThat(submit.rawPath()).isEqualTo("/v1/async-invoke");
            assertThat(submit.requestId()).isNull();
            assertThat(submit.body()).isEqualTo(body);
            assertThat(submit.header("content-type")).isEqualTo("application/json");
            assertThat(submit.receivedAt()).isAfterOrEqualTo(before.minusMillis(5));
            assertThat(submit.respondedAt()).isAfterOrEqualTo(submit.receivedAt());
            assertThat(all.get(1).requestId()).isEqualTo(id);
            assertThat(all.get(1).body()).isEmpty();
            assertThat(all.get(3).rawPath()).isEqualTo("/nowhere");
            assertThat(sim.journal().last()).isSameAs(all.get(3));
            assertThat(sim.journal().requests(Endpoint.ANY)).hasSize(4);
        }
    }

    @Test
    void countsAndPollsForAJob() {
        try (Simulator sim = Simulator.builder().queuedFor(Duration.ofSeconds(10)).start()) {
            TestHttp http = new TestHttp(sim);
            String a = http.submitId(IMAGE_MODEL, "{}");
            String b = http.submitId(IMAGE_MODEL, "{}");
            for (int i = 0; i < 3; i++) {
                http.status(a);
            }
            http.job(a);
            http.status(b);
            assertThat(sim.journal().count(Endpoint.SUBMIT)).isEqualTo(2);
            assertThat(sim.journal().count(Endpoint.STATUS)).isEqualTo(4);
            assertThat(sim.journal().count(Endpoint.GET)).isEqualTo(1);
            assertThat(sim.journal().count(Endpoint.ANY)).isEqualTo(7);
            assertThat(sim.journal().countStatus(202)).isEqualTo(2);
            assertThat(sim.journal().countStatus(200)).isEqualTo(5);
            assertThat(sim.journal().pollsFor(a)).hasSize(4)
                    .extracting(RecordedRequest::endpoint)
                    .containsExactly(Endpoint.STATUS, Endpoint.STATUS, Endpoint.STATUS, Endpoint.GET);
            assertThat(sim.journal().pollsFor(b)).hasSize(1);
            assertThat(sim.journal().pollsFor("other")).isEmpty();

            sim.journal().clear();
            assertThat(sim.journal().requests()).isEmpty();
            assertThat(sim.journal().count(Endpoint.ANY)).isZero();
            assertThat(sim.journal().countStatus(200)).isZero();
            http.status(a);
            assertThat(sim.journal().pollsFor(a)).hasSize(1);
        }
    }

    @Test
    void aDisabledJournalStillCounts() {
        try (Simulator sim = Simulator.builder().journal(false).start()) {
            TestHttp http = new TestHttp(sim);
            String id = http.submitId(IMAGE_MODEL, "{}");
            http.status(id);
            http.status("missing");
            assertThat(sim.journal().isEnabled()).isFalse();
            assertThat(sim.journal().requests()).isEmpty();
            assertThat(sim.journal().count(Endpoint.STATUS)).isEqualTo(2);
            assertThat(sim.journal().countStatus(404)).isEqualTo(1);
        }
    }

    @Test
    void theJournalIsBounded() {
        try (Simulator sim = Simulator.builder().journalCapacity(3).start()) {
            TestHttp http = new TestHttp(sim);
            for (int i = 0; i < 5; i++) {
                http.status("id-" + i);
            }
            assertThat(sim.journal().requests()).extracting(RecordedRequest::requestId)
                    .containsExactly("id-2", "id-3", "id-4");
            assertThat(sim.journal().count(Endpoint.STATUS)).isEqualTo(5);
        }
    }

    @Test
    void aThousandConcurrentJobsWithoutAJournal() {
        try (Simulator sim = Simulator.builder().journal(false)
                .queuedFor(Duration.ofMillis(20)).runningFor(Duration.ofMillis(20)).start()) {
            TestHttp http = new TestHttp(sim);
            List<String> ids = new ArrayList<>();
            for (int batch = 0; batch < 10; batch++) { // 100 in flight at a time
                List<CompletableFuture<HttpResponse<String>>> submits = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    HttpRequest request = http.api("/v1/async-invoke")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model_id\":\"m\",\"input\":{\"n\":" + i + "}}"))
                            .build();
                    submits.add(http.client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
                }
                for (CompletableFuture<HttpResponse<String>> f : submits) {
                    HttpResponse<String> r = f.join();
                    assertThat(r.statusCode()).isEqualTo(202);
                    ids.add(TestHttp.json(r).get("request_id").asText());
                }
            }
            assertThat(ids).doesNotHaveDuplicates();
            assertThat(sim.jobCount()).isEqualTo(1000);
            TestHttp.sleep(60);
            for (String id : ids.subList(0, 50)) {
                assertThat(http.state(id)).isEqualTo("COMPLETED");
            }
            assertThat(sim.journal().count(Endpoint.SUBMIT)).isEqualTo(1000);
            assertThat(sim.journal().countStatus(202)).isEqualTo(1000);
        }
    }
}
