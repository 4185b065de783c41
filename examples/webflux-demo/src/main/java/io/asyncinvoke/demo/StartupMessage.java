package io.asyncinvoke.demo;

import io.asyncinvoke.simulator.Simulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/** Says which URL to open and where the jobs go. */
@Component
class StartupMessage implements ApplicationListener<ReactiveWebServerInitializedEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(StartupMessage.class);

    private final ObjectProvider<Simulator> simulator;

    StartupMessage(ObjectProvider<Simulator> simulator) {
        this.simulator = simulator;
    }

    @Override
    public void onApplicationEvent(ReactiveWebServerInitializedEvent event) {
        Simulator sim = simulator.getIfAvailable();
        LOG.info("async-invoke demo: open http://localhost:{}/ ({})", event.getWebServer().getPort(),
                sim == null ? "jobs go to the configured service"
                        : "jobs run on the embedded simulator at " + sim.baseUrl() + "; set MODEL_ACCESS_KEY for the real service");
    }
}
