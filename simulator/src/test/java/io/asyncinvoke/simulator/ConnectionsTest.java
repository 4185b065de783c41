package io.asyncinvoke.simulator;

import static io.asyncinvoke.simulator.TestHttp.IMAGE_MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

class ConnectionsTest {

    private static void await(IntSupplier actual, int expected) {
        long deadline = System.currentTimeMillis() + 3000;
        while (actual.getAsInt() != expected && System.currentTimeMillis() < deadline) {
            TestHttp.sleep(5);
        }
        assertThat(actual.getAsInt()).isEqualTo(expected);
    }

    @Test
    void openConnectionsFollowsTcpConnectionsOnTheApiListener() throws Exception {
        try (Simulator sim = Simulator.builder().start()) {
            assertThat(sim.openConnections()).isZero();
            List<Socket> sockets = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                sockets.add(new Socket("127.0.0.1", sim.port()));
            }
            await(sim::openConnections, 3);
            sockets.get(0).close();
            await(sim::openConnections, 2);
            for (Socket s : sockets) {
                s.close();
            }
            await(sim::openConnections, 0);
            assertThat(sim.acceptedConnections()).isEqualTo(3);
        }
    }

    @Test
    void mediaConnectionsAreNotCounted() throws Exception {
        try (Simulator sim = Simulator.builder().start(); Socket media = new Socket("127.0.0.1", sim.mediaPort())) {
            TestHttp.sleep(50);
            assertThat(media.isConnected()).isTrue();
            assertThat(sim.openConnections()).isZero();
            assertThat(sim.acceptedConnections()).isZero();
        }
    }

    @Test
    void keepAliveRequestsReuseOneConnection() {
        try (Simulator sim = Simulator.builder().start()) {
            TestHttp http = new TestHttp(sim, TestHttp.newClient());
            String id = http.submitId(IMAGE_MODEL, "{}");
            for (int i = 0; i < 5; i++) {
                http.status(id);
            }
            assertThat(sim.acceptedConnections()).isEqualTo(1);
            assertThat(sim.openConnections()).isEqualTo(1);
        }
    }

    @Test
    void theServerClosesTheConnectionWhenAskedTo() throws Exception {
        try (Simulator sim = Simulator.builder().start()) {
            String response = TestHttp.raw(sim.port(), "GET /v1/async-invoke/x/status HTTP/1.1\r\nHost: x\r\n"
                    + "Connection: close\r\n\r\n");
            assertThat(response).startsWith("HTTP/1.1 401");
            await(sim::openConnections, 0);
        }
    }
}
