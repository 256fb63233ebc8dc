package tickertape.bench;

import tickertape.keys.Role;

/** A bot key for the bench, issued by the app's own key store, with a per-key limit no run reaches. */
final class ApiKeys {
    private ApiKeys() {
    }

    static String createBotKey(Store store) throws Exception {
        return new tickertape.keys.ApiKeys(store.dataSource())
                .issue(Role.BOT, "bench", 1_000_000_000).secret();
    }
}
