package tickertape.keys;

import java.util.Arrays;

/** The SHA-256 of a key: what the store and the in-memory cache know a key by, never the key itself. */
record KeyHash(byte[] bytes) {

    static KeyHash of(String key) {
        return new KeyHash(KeySecret.sha256(key));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyHash hash && Arrays.equals(bytes, hash.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "KeyHash";
    }
}
