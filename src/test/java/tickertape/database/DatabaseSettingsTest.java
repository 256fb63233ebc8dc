package tickertape.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DatabaseSettingsTest {
    private static DatabaseSettings fromDatabaseUrl(String url) {
        return DatabaseSettings.of(url, "", "", "", 4, Path.of("data"), 0);
    }

    @Test
    void aPlusInTheUserInfoIsAPlusAsInAnyUri() {
        DatabaseSettings settings = fromDatabaseUrl("postgresql://app+ro:pa+ss%2Bw%20rd@db.example:6432/market");

        assertThat(settings.user()).isEqualTo("app+ro");
        assertThat(settings.password()).isEqualTo("pa+ss+w rd");
        assertThat(settings.jdbcUrl()).contains("jdbc:postgresql://db.example:6432/market");
    }

    @Test
    void percentEncodedCharactersAreDecoded() {
        DatabaseSettings settings = fromDatabaseUrl("postgres://me:%40%3A%2F%25@localhost/db?sslmode=require");

        assertThat(settings.password()).isEqualTo("@:/%");
        assertThat(settings.jdbcUrl()).contains("jdbc:postgresql://localhost:5432/db?sslmode=require");
    }
}
