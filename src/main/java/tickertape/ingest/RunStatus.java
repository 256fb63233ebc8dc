package tickertape.ingest;

/** How a run stands or ended: the values of ingestion_run.status (its CHECK in sql/V1__schema.sql). */
public enum RunStatus {
    RUNNING, SUCCEEDED, PARTIAL, FAILED, NOT_AUTHORIZED
}
