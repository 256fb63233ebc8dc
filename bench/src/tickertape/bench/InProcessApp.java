package tickertape.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;

/**
 * The whole application in this JVM, started as tickertape.Main starts it (same configuration,
 * application.properties, routes/ of the working directory, the migrations in the jar), with a few
 * overrides: its own data directory, free ports, no route reload, no ticker blocks (nothing runs unless
 * the bench asks).
 */
final class InProcessApp implements AutoCloseable {
    final Main main;
    final CamelContext context;
    final ProducerTemplate template;
    final int httpPort;
    final int managementPort;

    private InProcessApp(Main main, int httpPort, int managementPort) {
        this.main = main;
        this.context = main.getCamelContext();
        this.template = context.createProducerTemplate();
        this.httpPort = httpPort;
        this.managementPort = managementPort;
    }

    static InProcessApp start(Path dataDirectory, Map<String, String> extra) throws Exception {
        int http = freePort();
        int management = freePort();
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("tickertape.data-dir", dataDirectory.toString());
        overrides.put("camel.server.port", String.valueOf(http));
        overrides.put("camel.management.port", String.valueOf(management));
        overrides.put("camel.main.routes-reload-enabled", "false");
        overrides.put("camel.main.routes-include-pattern",
                "file:routes/polygon.camel.yaml,file:routes/ingest.camel.yaml,file:routes/api*.camel.yaml");
        overrides.putAll(extra);
        Main main = new Main();
        tickertape.Main.configure(main.configure());
        overrides.forEach(main::addOverrideProperty);
        try {
            main.start();
        } catch (Exception e) {
            // a failed start may have started the embedded database already: leave no orphan
            if (main.getCamelContext() != null) {
                main.getCamelContext().stop();
            }
            throw e;
        }
        return new InProcessApp(main, http, management);
    }

    DataSource dataSource() {
        return context.getRegistry().lookupByNameAndType("dataSource", DataSource.class);
    }

    <T> T bean(String name, Class<T> type) {
        return context.getRegistry().lookupByNameAndType(name, type);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    private boolean closed;

    @Override
    public synchronized void close() throws Exception {
        if (!closed) {
            closed = true;
            template.close();
            main.stop();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
