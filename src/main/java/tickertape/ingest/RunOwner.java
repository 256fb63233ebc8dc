package tickertape.ingest;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.UUID;

/**
 * Who holds a run: {@code instance} names the app by where it serves (host and HTTP port, so two
 * instances on one host differ), {@code id} adds this process's life, so a restarted instance knows
 * which runs an earlier life of its own left behind. A run's lease lasts {@code lease} from its last
 * renewal.
 */
public record RunOwner(String instance, String id, Duration lease) {

    public static RunOwner of(String configuredName, int httpPort, Duration lease) {
        String instance = (configuredName == null || configuredName.isBlank() ? hostName() + ":" + httpPort
                : configuredName) + "/";
        return new RunOwner(instance, instance + UUID.randomUUID(), lease);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
