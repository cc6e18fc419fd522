-- Idempotency-Key: the first answer of a creating POST, kept in the command's own transaction, so that a retry
-- with the same key gets it again instead of creating twice.

CREATE TABLE dbo.IdempotencyKeys (
    Id             BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT PK_IdempotencyKeys PRIMARY KEY,
    TenantId       NVARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
    IdempotencyKey NVARCHAR(255) COLLATE Latin1_General_100_BIN2 NOT NULL,
    Command        NVARCHAR(100) NOT NULL,
    Fingerprint    NCHAR(64)     NOT NULL,
    Response       NVARCHAR(MAX) NOT NULL,
    CreatedAtMs    BIGINT        NOT NULL,
    CONSTRAINT UQ_IdempotencyKeys_Tenant_Key UNIQUE (TenantId, IdempotencyKey)
);
CREATE INDEX IX_IdempotencyKeys_Created ON dbo.IdempotencyKeys (CreatedAtMs, Id);
