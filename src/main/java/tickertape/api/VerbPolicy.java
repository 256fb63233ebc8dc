package tickertape.api;

import java.util.Set;
import tickertape.keys.Role;

/**
 * What the REST DSL declares about one verb that the guard enforces.
 *
 * @param verbId the verb's id in the REST DSL
 * @param secured true when the verb has a {@code security} requirement: a key is needed
 * @param roles the roles its scopes name (besides ops, always admitted); empty = any key's role
 * @param cost rate-limit tokens one request takes
 */
public record VerbPolicy(String verbId, boolean secured, Set<Role> roles, long cost) {

    /** A route that is not a known REST verb gets the strictest policy: fail closed. */
    static VerbPolicy unknown(String routeId) {
        return new VerbPolicy(routeId, true, Set.of(Role.OPS), 1);
    }

    public boolean admits(Role role) {
        return role == Role.OPS || roles.isEmpty() || roles.contains(role);
    }
}
