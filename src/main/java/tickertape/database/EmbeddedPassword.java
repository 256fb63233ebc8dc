package tickertape.database;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import tickertape.logging.SecretMask;

/**
 * The password of the embedded server's superuser, {@code postgres}: generated at the first start
 * and kept in {@code <data>/postgres.password}, readable by its owner only. It lives beside the
 * server's directory, not in it, because initdb reads it from there to create an empty directory.
 * Nothing logs it: the log names the file.
 */
final class EmbeddedPassword {
    static final String FILE_NAME = "postgres.password";
    private static final int RANDOM_BYTES = 32;

    private EmbeddedPassword() {
    }

    static Path fileIn(Path dataRoot) {
        return dataRoot.resolve(FILE_NAME).toAbsolutePath().normalize();
    }

    /** The password, which from then on no log line shows (whatever logs it: a driver, a pool, Camel). */
    static String read(Path dataRoot) throws IOException {
        String password = Files.readString(fileIn(dataRoot), StandardCharsets.US_ASCII).trim();
        SecretMask.register(password);
        return password;
    }

    static String readOrCreate(Path dataRoot) throws IOException {
        Path file = fileIn(dataRoot);
        if (!Files.exists(file)) {
            create(file);
        }
        return read(dataRoot);
    }

    /**
     * Written to a file created with mode 600 (never readable by others, not even for a moment),
     * then moved into place, so a crash never leaves half a password to be used.
     */
    private static void create(Path file) throws IOException {
        byte[] random = new byte[RANDOM_BYTES];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path partial = Files.createTempFile(file.getParent(), FILE_NAME, ".partial",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(partial, password + "\n", StandardCharsets.US_ASCII);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    }
}
