package tickertape.keys;

/**
 * A key just created: the stored record and the secret, which exists only here and is shown once.
 */
public record IssuedKey(ApiKey key, String secret) {

    @Override
    public String toString() {
        return "IssuedKey[" + key.prefix() + "…]"; // never the secret, should this end up in a log
    }
}
