package tickertape.keys;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Who a key belongs to. Each REST verb names the roles it admits (its {@code security} scopes);
 * {@link #OPS} is admitted everywhere.
 */
public enum Role {
    BOT, ML, OPS;

    /** The lower-case name used in keys ({@code tt_bot_...}), the database and the REST DSL. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String code) {
        for (Role role : values()) {
            if (role.code().equals(code)) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role '" + code + "' (expected one of " + codes() + ")");
    }

    public static String codes() {
        return Arrays.stream(values()).map(Role::code).collect(Collectors.joining(", "));
    }
}
