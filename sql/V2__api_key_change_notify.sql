-- Every change to api_key that can change whether a key is admitted is announced on channel
-- api_key_changed (payload: the key's id), whoever makes it: the app, the keys CLI, psql. The app
-- keeps the keys it has authenticated in memory and drops them on each announcement
-- (tickertape.keys.KeyChangeListener), so a revocation applies within milliseconds without a query
-- per request. NOTIFY is transactional: it is delivered only if, and once, the change commits.
--
-- Not announced: INSERT (a key not yet authenticated is not in memory: it is looked up when first
-- presented) and updates of last_used_at alone (the app's own bookkeeping, written once a minute;
-- announcing it would empty the cache for nothing).

CREATE FUNCTION api_key_notify_change() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF TG_LEVEL = 'STATEMENT' THEN
        PERFORM pg_notify('api_key_changed', 'all');
    ELSE
        PERFORM pg_notify('api_key_changed', OLD.id::text);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER api_key_changed
    AFTER UPDATE ON api_key
    FOR EACH ROW
    WHEN ((to_jsonb(OLD) - 'last_used_at') IS DISTINCT FROM (to_jsonb(NEW) - 'last_used_at'))
    EXECUTE FUNCTION api_key_notify_change();

CREATE TRIGGER api_key_deleted
    AFTER DELETE ON api_key
    FOR EACH ROW
    EXECUTE FUNCTION api_key_notify_change();

CREATE TRIGGER api_key_truncated
    AFTER TRUNCATE ON api_key
    FOR EACH STATEMENT
    EXECUTE FUNCTION api_key_notify_change();
