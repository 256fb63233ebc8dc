package tickertape.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the first start (no key at all), issues an ops key and writes it to {@code <data>/ops.key},
 * readable by its owner only, so a newcomer can call the API at once. The log names the file,
 * never the key. Of instances starting together on an empty store, one issues it (and holds the file).
 */
public final class FirstOpsKey {
    private static final Logger LOG = LoggerFactory.getLogger(FirstOpsKey.class);
    static final String FILE_NAME = "ops.key";

    private FirstOpsKey() {
    }

    public static void issueIfNoKeys(ApiKeys keys, Path dataDirectory) throws SQLException, IOException {
        Optional<IssuedKey> first = keys.issueFirst(Role.OPS, "first ops key");
        if (first.isEmpty()) {
            return;
        }
        IssuedKey issued = first.get();
        Path file = dataDirectory.resolve(FILE_NAME).toAbsolutePath();
        Files.createDirectories(dataDirectory);
        // Created with mode 600 rather than chmod-ed after, so the key is never readable by others.
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, issued.secret() + "\n", StandardCharsets.US_ASCII);
        LOG.info("No API keys yet: issued an ops key ({}…) into {} (mode 600). Use it as "
                + "'Authorization: Bearer <key>'; manage keys with 'java -jar target/tickertape.jar keys'",
                issued.key().prefix(), file);
    }
}
