package tickertape.ingest;

/** What started a run: the values of ingestion_run.trigger (its CHECK in sql/V1__schema.sql). */
public enum RunTrigger {
    BACKFILL, REFRESH, MANUAL, REPLAY, REPAIR;

    /** The value stored in ingestion_run.trigger and shown in logs, metrics and the API. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return code();
    }
}
