package tickertape.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * The secret form of a key, {@code tt_<role>_<43 base62 characters>} (about 256 random bits),
 * and what is derived from it for storage: its SHA-256 and its display prefix. Base62 keeps the
 * random part free of {@code _} and {@code -}, so a key is one word to copy and to parse.
 */
final class KeySecret {
    static final int RANDOM_LENGTH = 43;
    /** Characters of the random part kept in the prefix: enough to tell keys apart, too few to guess one. */
    private static final int PREFIX_RANDOM_CHARS = 8;
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeySecret() {
    }

    static String generate(Role role) {
        StringBuilder key = new StringBuilder("tt_").append(role.code()).append('_');
        for (int i = 0; i < RANDOM_LENGTH; i++) {
            key.append(BASE62.charAt(RANDOM.nextInt(BASE62.length())));
        }
        return key.toString();
    }

    /** {@code tt_<role>_} and the first characters of the random part. */
    static String prefixOf(String key) {
        int randomStart = key.indexOf('_', 3) + 1;
        return key.substring(0, randomStart + PREFIX_RANDOM_CHARS);
    }

    /** True when {@code presented} has the shape of a key: anything else is refused without a lookup. */
    static boolean isWellFormed(String presented) {
        if (presented == null || !presented.startsWith("tt_")) {
            return false;
        }
        int randomStart = presented.indexOf('_', 3) + 1;
        return randomStart > 3 && presented.length() - randomStart == RANDOM_LENGTH
                && presented.substring(randomStart).chars().allMatch(c -> BASE62.indexOf(c) >= 0);
    }

    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
