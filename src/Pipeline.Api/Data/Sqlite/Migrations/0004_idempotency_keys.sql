-- Idempotency-Key: the first answer of a creating POST, kept in the command's own transaction, so that a retry
-- with the same key gets it again instead of creating twice.

CREATE TABLE IdempotencyKeys (
    Id             INTEGER PRIMARY KEY AUTOINCREMENT,
    TenantId       TEXT    NOT NULL,
    IdempotencyKey TEXT    NOT NULL,
    Command        TEXT    NOT NULL,
    Fingerprint    TEXT    NOT NULL,
    Response       TEXT    NOT NULL,
    CreatedAtMs    INTEGER NOT NULL,
    CONSTRAINT UQ_IdempotencyKeys_Tenant_Key UNIQUE (TenantId, IdempotencyKey)
);
CREATE INDEX IX_IdempotencyKeys_Created ON IdempotencyKeys (CreatedAtMs, Id);
